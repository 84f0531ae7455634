using System.Security.Cryptography;
using System.Text;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>Standardise, canonicalise, and compute the filter id: HMAC-SHA256(seed, stable JSON of {filter, index}).</summary>
internal sealed class Normalizer
{
    private readonly byte[] _seed;
    private readonly Standardizer _standardizer = new();
    private readonly Canonicalizer _canonicalizer;

    public Normalizer(KoncordeOptions options)
    {
        if (options.Seed is null || options.Seed.Length != 32 || options.Seed.Any(c => c > 0x7f))
        {
            throw new ArgumentException("Invalid seed: expected 32 ASCII characters", nameof(options));
        }

        if (options.MaxConditions < 0)
        {
            throw new ArgumentException("Invalid maxConditions configuration: positive or nul integer expected", nameof(options));
        }

        _seed = Encoding.ASCII.GetBytes(options.Seed);
        _canonicalizer = new Canonicalizer(options.MaxConditions, options.MaxSubfilters);
    }

    public void Validate(JsValue filter) => _standardizer.Standardize(filter);

    public NormalizedFilter Normalize(string index, JsValue filter)
    {
        var standardized = _standardizer.Standardize(filter);
        var canonical = _canonicalizer.Convert(standardized);

        // select queries are normalised when stored: surface their errors now.
        foreach (var condition in canonical.SelectMany(sf => sf))
        {
            if (condition.Term.Kind == TermKind.Select)
            {
                _canonicalizer.Convert(_standardizer.Standardize(condition.Term.SelectQuery));
            }
        }

        var json = CanonicalJson.Of(canonical);
        var message = new StringBuilder(json.Length + index.Length + 32);
        message.Append("{\"filter\":").Append(json).Append(",\"index\":");
        StableJson.WriteString(message, index);
        message.Append('}');
        var id = Convert.ToHexStringLower(HMACSHA256.HashData(_seed, Encoding.UTF8.GetBytes(message.ToString())));
        return new NormalizedFilter(id, index, canonical, json);
    }
}
