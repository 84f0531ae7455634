namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>Argon2id cost parameters (RFC 9106), as written in a PHC string (<c>m=…,t=…,p=…</c>).</summary>
/// <param name="MemoryKiB">Memory per hash in KiB (<c>m</c>).</param>
/// <param name="Iterations">Passes over memory (<c>t</c>).</param>
/// <param name="Parallelism">Lanes (<c>p</c>); libsodium supports only 1.</param>
/// <param name="HashLength">Output length in bytes.</param>
/// <param name="SaltLength">Length in bytes of the random salt of new hashes.</param>
public readonly record struct Argon2idParameters(int MemoryKiB, int Iterations, int Parallelism, int HashLength = 32, int SaltLength = 16)
{
    /// <summary>The OWASP minimum: m=19456 KiB (19 MiB), t=2, p=1, 32-byte hash, 16-byte salt.</summary>
    public static Argon2idParameters Default { get; } = new(19456, 2, 1);

    /// <summary>Throws when the values are outside what Argon2id accepts (or what this code stores).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallelism, 1, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Parallelism, 255, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryKiB, 8 * Parallelism, nameof(MemoryKiB));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MemoryKiB, 4 * 1024 * 1024, nameof(MemoryKiB));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Iterations, 1024, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(HashLength, 16, nameof(HashLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HashLength, 1024, nameof(HashLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(SaltLength, 8, nameof(SaltLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SaltLength, 64, nameof(SaltLength));
    }

    /// <summary>
    /// Whether the cost is at least one of OWASP's equivalent argon2id settings (m=47104/t=1, 19456/2, 12288/3, 9216/4, 7168/5).
    /// </summary>
    public bool MeetsOwaspMinimum =>
        (MemoryKiB >= 47104 && Iterations >= 1)
        || (MemoryKiB >= 19456 && Iterations >= 2)
        || (MemoryKiB >= 12288 && Iterations >= 3)
        || (MemoryKiB >= 9216 && Iterations >= 4)
        || (MemoryKiB >= 7168 && Iterations >= 5);
}
