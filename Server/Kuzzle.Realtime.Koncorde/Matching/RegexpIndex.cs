namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Regexps of one field, bucketed by the literal first character an anchored pattern requires
/// (<c>^ab...</c> without i/m flags and without alternation): a value only runs the patterns of its own
/// first character plus the patterns that could start anywhere.
/// </summary>
internal sealed class RegexpIndex
{
    private readonly Dictionary<char, List<ConditionEntry>> _byFirst = [];
    private readonly List<ConditionEntry> _unanchored = [];

    public int Count { get; private set; }

    /// <summary>The character a matching value must start with, or -1.</summary>
    public static int RequiredFirstChar(string pattern, string? flags)
    {
        if (flags is not null && (flags.Contains('i', StringComparison.Ordinal) || flags.Contains('m', StringComparison.Ordinal)))
        {
            return -1;
        }

        if (pattern.Length < 2 || pattern[0] != '^' || pattern.Contains('|', StringComparison.Ordinal))
        {
            return -1;
        }

        var c = pattern[1];
        if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ' ' or '@' or '/' or ':' or '#'))
        {
            return -1;
        }

        // A following ?, * or {n,m} could make the character optional.
        if (pattern.Length > 2 && pattern[2] is '?' or '*' or '{')
        {
            return -1;
        }

        return c;
    }

    public void Add(ConditionEntry condition)
    {
        var first = condition.RegexFirstChar;
        if (first < 0)
        {
            _unanchored.Add(condition);
        }
        else
        {
            if (!_byFirst.TryGetValue((char)first, out var list))
            {
                list = [];
                _byFirst.Add((char)first, list);
            }

            list.Add(condition);
        }

        Count++;
    }

    public void Remove(ConditionEntry condition)
    {
        var first = condition.RegexFirstChar;
        var removed = first < 0 ? _unanchored.Remove(condition) : _byFirst.TryGetValue((char)first, out var list) && list.Remove(condition);
        if (removed)
        {
            Count--;
        }
    }

    /// <summary>Appends the conditions whose pattern matches <paramref name="value"/>.</summary>
    public void Match(string value, List<ConditionEntry> output)
    {
        if (value.Length > 0 && _byFirst.TryGetValue(value[0], out var candidates))
        {
            foreach (var condition in candidates)
            {
                if (condition.Regex!.IsMatch(value))
                {
                    output.Add(condition);
                }
            }
        }

        foreach (var condition in _unanchored)
        {
            if (condition.Regex!.IsMatch(value))
            {
                output.Add(condition);
            }
        }
    }
}
