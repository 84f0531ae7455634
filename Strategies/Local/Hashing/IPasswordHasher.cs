namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>Hashes and verifies passwords as argon2id PHC strings. Implementations are thread-safe and synchronous (CPU-bound).</summary>
public interface IPasswordHasher
{
    /// <summary>A short name for logs and benchmarks (<c>sodium</c>, <c>managed</c>).</summary>
    string Name { get; }

    /// <summary>The parameters of new hashes.</summary>
    Argon2idParameters Parameters { get; }

    /// <summary>Hashes <paramref name="password"/> with a new random salt and <see cref="Parameters"/>.</summary>
    /// <returns>A PHC string.</returns>
    string Hash(string password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encoded"/>, compared in constant time.</summary>
    /// <returns>False for a wrong password or an unreadable hash.</returns>
    bool Verify(string password, string encoded);

    /// <summary>Whether <paramref name="encoded"/> was made with other parameters than <see cref="Parameters"/> (or is unreadable).</summary>
    bool NeedsRehash(string encoded);

    /// <summary>The raw argon2id output for these inputs (no encoding).</summary>
    void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output);
}
