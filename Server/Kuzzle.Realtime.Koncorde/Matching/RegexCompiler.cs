using System.Text;
using System.Text.RegularExpressions;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Compiles Koncorde regexps (RE2 syntax by default) to .NET regular expressions that behave like RE2:
/// linear-time engine, no lookaround or backreference, ASCII classes, <c>$</c> only at the very end
/// unless multi-line. Flags i, m and s are honoured; others are accepted and ignored, as RE2 does.
/// </summary>
internal static class RegexCompiler
{
    /// <summary>Returns an RE2-like error message when the pattern is invalid, null otherwise.</summary>
    public static string? Validate(string pattern)
    {
        var unsupported = FindUnsupported(pattern);
        if (unsupported is not null)
        {
            return unsupported;
        }

        try
        {
            _ = Compile(pattern, null);
            return null;
        }
        catch (RegexParseException e)
        {
            return e.Error switch
            {
                RegexParseError.UnterminatedBracket => $"missing ]: {pattern[Math.Max(0, pattern.LastIndexOf('[', Math.Max(0, e.Offset - 1)))..]}",
                RegexParseError.InsufficientClosingParentheses => $"missing ): {pattern}",
                RegexParseError.InsufficientOpeningParentheses => $"unexpected ): {pattern}",
                RegexParseError.QuantifierAfterNothing => $"missing argument to repetition operator: {pattern}",
                RegexParseError.NestedQuantifiersNotParenthesized => $"bad repetition operator: {pattern}",
                RegexParseError.UnescapedEndingBackslash => "trailing \\",
                RegexParseError.ReversedCharacterRange => $"invalid character class range: {pattern}",
                RegexParseError.ReversedQuantifierRange => $"bad repetition operator: {pattern}",
                _ => e.Message,
            };
        }
        catch (NotSupportedException e)
        {
            return e.Message;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public static Regex Compile(string pattern, string? flags)
    {
        var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
        var multiline = false;
        if (flags is not null)
        {
            if (flags.Contains('i', StringComparison.Ordinal))
            {
                options |= RegexOptions.IgnoreCase;
            }

            if (flags.Contains('m', StringComparison.Ordinal))
            {
                options |= RegexOptions.Multiline;
                multiline = true;
            }

            if (flags.Contains('s', StringComparison.Ordinal))
            {
                options |= RegexOptions.Singleline;
            }
        }

        return new Regex(Translate(pattern, multiline), options);
    }

    // RE2 rejects these Perl constructs; .NET would accept them.
    private static string? FindUnsupported(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                if (!inClass && next is >= '1' and <= '9')
                {
                    return $"invalid escape sequence: \\{next}";
                }

                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                continue;
            }

            if (c == '[')
            {
                inClass = true;
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    i++;
                }

                continue;
            }

            if (c == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?')
            {
                var op = pattern[i + 2];
                if (op is '=' or '!' or '>' || (op == '<' && i + 3 < pattern.Length && pattern[i + 3] is '=' or '!'))
                {
                    return $"invalid perl operator: {pattern.Substring(i, Math.Min(3, pattern.Length - i))}";
                }
            }
        }

        return null;
    }

    /// <summary>Rewrites RE2 semantics that differ in .NET (outside character classes).</summary>
    private static string Translate(string pattern, bool multiline)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                i++;
                if (!inClass)
                {
                    switch (next)
                    {
                        case 'd':
                            sb.Append("[0-9]");
                            continue;
                        case 'D':
                            sb.Append("[^0-9]");
                            continue;
                        case 'w':
                            sb.Append("[0-9A-Za-z_]");
                            continue;
                        case 'W':
                            sb.Append("[^0-9A-Za-z_]");
                            continue;
                        case 's':
                            sb.Append(@"[\t\n\f\r ]");
                            continue;
                        case 'S':
                            sb.Append(@"[^\t\n\f\r ]");
                            continue;
                    }
                }
                else
                {
                    switch (next)
                    {
                        case 'd':
                            sb.Append("0-9");
                            continue;
                        case 'w':
                            sb.Append("0-9A-Za-z_");
                            continue;
                        case 's':
                            sb.Append(@"\t\n\f\r ");
                            continue;
                    }
                }

                sb.Append(c).Append(next);
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append(@"\]");
                    i++;
                }

                continue;
            }

            if (c == '$' && !multiline)
            {
                sb.Append(@"\z");
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
