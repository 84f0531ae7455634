namespace Kuzzle.Realtime.Cli.Output;

/// <summary>
/// Kourou's output lines (cli.md §3): every status line starts with a space; banner, info, success and failure lines go to
/// standard error and results to standard output, so a pipe only ever sees results. Colours only on a terminal, never with
/// <c>NO_COLOR</c>.
/// </summary>
internal sealed class CliConsole
{
    private const string Yellow = "\u001b[33m";
    private const string Green = "\u001b[32m";
    private const string Red = "\u001b[31m";
    private const string BlueBold = "\u001b[1;34m";
    private const string Reset = "\u001b[0m";

    private readonly Lock _lock = new();
    private bool _progressShown;
    private long _lastProgress;

    public CliConsole(TextWriter output, TextWriter error, bool errorIsTerminal)
    {
        Out = output;
        Err = error;
        ErrorIsTerminal = errorIsTerminal;
        Colours = errorIsTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
    }

    /// <summary>Results (standard output).</summary>
    public TextWriter Out { get; }

    /// <summary>Status lines (standard error).</summary>
    public TextWriter Err { get; }

    /// <summary>Whether standard error is a terminal (progress lines are drawn only then).</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>Whether status lines are coloured.</summary>
    public bool Colours { get; }

    /// <summary><c>--print-raw</c>: only results are printed.</summary>
    public bool Silent { get; set; }

    /// <summary>Kourou's banner: an empty line, the rocket line, an empty line.</summary>
    public void Banner(string description)
    {
        Status("");
        Status(Paint(BlueBold, "🚀 Kourou") + " - " + description);
        Status("");
    }

    /// <summary>An informational line: <c>[ℹ] …</c>.</summary>
    public void Info(string message) => Status(Paint(Yellow, "[ℹ] " + message));

    /// <summary>A success line: <c>[✔] …</c>.</summary>
    public void Ok(string message) => Status(Paint(Green, "[✔] " + message));

    /// <summary>A failure line: <c>[X] …</c>. Failures are printed even with <c>--print-raw</c>: a pipe must still learn why.</summary>
    public void Ko(string message) => Write(Err, " " + Paint(Red, "[X] " + message));

    /// <summary>A plain status line (prefixed with a space, as Kourou's <c>log</c>).</summary>
    public void Status(string message)
    {
        if (!Silent)
        {
            Write(Err, " " + message);
        }
    }

    /// <summary>A result on standard output, never prefixed or coloured.</summary>
    public void Result(string text) => Write(Out, text);

    /// <summary>A progress line redrawn in place on a terminal; nothing otherwise.</summary>
    public void Progress(string message)
    {
        if (Silent || !ErrorIsTerminal)
        {
            return;
        }

        lock (_lock)
        {
            // A terminal redraw per item would cost more than the item: at most ten redraws a second.
            var now = Environment.TickCount64;
            if (now - _lastProgress < 100)
            {
                return;
            }

            _lastProgress = now;
            Err.Write("\r " + Paint(Yellow, "[ℹ] " + message) + "\u001b[K");
            Err.Flush();
            _progressShown = true;
        }
    }

    private void Write(TextWriter writer, string line)
    {
        lock (_lock)
        {
            if (_progressShown)
            {
                Err.Write("\r\u001b[K");
                _progressShown = false;
            }

            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private string Paint(string colour, string text) => Colours ? colour + text + Reset : text;
}
