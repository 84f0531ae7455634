using Konscious.Security.Cryptography;

namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// Argon2id in managed code (Konscious.Security.Cryptography): the fallback when libsodium cannot load. About half the
/// speed of libsodium and allocates the whole memory cost (m KiB) on the managed heap per hash; supports any p and salt size.
/// </summary>
public sealed class Argon2idManagedHasher : Argon2idHasher
{
    /// <summary>Creates a hasher writing new hashes with <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The parameters are invalid.</exception>
    public Argon2idManagedHasher(Argon2idParameters parameters)
        : base(parameters)
    {
    }

    /// <inheritdoc />
    public override string Name => "managed";

    /// <inheritdoc />
    protected override void DeriveCore(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output) =>
        DeriveManaged(password, salt, parameters, output);

    internal static void DeriveManaged(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output)
    {
        var passwordBytes = password.ToArray();
        try
        {
            using var argon2 = new Argon2id(passwordBytes)
            {
                Salt = salt.ToArray(),
                DegreeOfParallelism = parameters.Parallelism,
                Iterations = parameters.Iterations,
                MemorySize = parameters.MemoryKiB,
            };
            var result = argon2.GetBytes(output.Length);
            result.CopyTo(output);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(result);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }
}
