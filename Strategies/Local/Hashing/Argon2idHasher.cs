using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// The shared part of the argon2id hashers: salts, PHC encoding, constant-time verification, rehash detection.
/// Subclasses only derive raw bytes.
/// </summary>
public abstract class Argon2idHasher : IPasswordHasher
{
    private const int StackLimit = 256;

    /// <summary>Creates a hasher writing new hashes with <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The parameters are invalid.</exception>
    protected Argon2idHasher(Argon2idParameters parameters)
    {
        parameters.Validate();
        Parameters = parameters;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public Argon2idParameters Parameters { get; }

    /// <inheritdoc />
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> salt = stackalloc byte[Parameters.SaltLength];
        RandomNumberGenerator.Fill(salt);
        var hash = new byte[Parameters.HashLength];
        Derive(password, salt, Parameters, hash);
        try
        {
            return Argon2idPhc.Format(Parameters, salt, hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <inheritdoc />
    public bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!Argon2idPhc.TryParse(encoded, out var phc, out _))
        {
            return false;
        }

        var computed = new byte[phc.Parameters.HashLength];
        try
        {
            Derive(password, phc.Salt.Span, phc.Parameters, computed);
            return CryptographicOperations.FixedTimeEquals(computed, phc.Hash.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(computed);
        }
    }

    /// <inheritdoc />
    public bool NeedsRehash(string encoded)
    {
        if (!Argon2idPhc.TryParse(encoded, out var phc, out _))
        {
            return true;
        }

        var stored = phc.Parameters;
        return stored.MemoryKiB != Parameters.MemoryKiB
            || stored.Iterations != Parameters.Iterations
            || stored.Parallelism != Parameters.Parallelism
            || stored.HashLength != Parameters.HashLength
            || stored.SaltLength != Parameters.SaltLength;
    }

    /// <inheritdoc />
    public void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output)
    {
        parameters.Validate();
        if (CanDerive(parameters, salt.Length))
        {
            DeriveCore(password, salt, parameters, output);
        }
        else
        {
            // Hashes made elsewhere (p > 1, other salt sizes) still verify, through the managed implementation.
            Argon2idManagedHasher.DeriveManaged(password, salt, parameters, output);
        }
    }

    /// <summary>Whether <see cref="DeriveCore"/> supports these parameters and this salt length.</summary>
    protected virtual bool CanDerive(Argon2idParameters parameters, int saltLength) => true;

    /// <summary>Computes the raw argon2id output.</summary>
    protected abstract void DeriveCore(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output);

    private void Derive(string password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output)
    {
        var length = Encoding.UTF8.GetByteCount(password);
        byte[]? rented = null;
        Span<byte> bytes = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        bytes = bytes[..length];
        try
        {
            Encoding.UTF8.GetBytes(password, bytes);
            DeriveKey(bytes, salt, parameters, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
