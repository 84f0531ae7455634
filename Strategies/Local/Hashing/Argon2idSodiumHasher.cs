using NSec.Cryptography;

namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// Argon2id through libsodium (NSec.Cryptography, which bundles the native library): the fastest implementation and no
/// managed allocation per hash. libsodium supports only p=1 and 16-byte salts; other stored hashes are verified through
/// the managed implementation.
/// </summary>
public sealed class Argon2idSodiumHasher : Argon2idHasher
{
    private static readonly Lazy<bool> Available = new(Probe);
    private readonly Argon2id _configured;

    /// <summary>Creates a hasher writing new hashes with <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid parameters, or parameters libsodium cannot use (p ≠ 1, salt ≠ 16 bytes).</exception>
    /// <exception cref="PlatformNotSupportedException">The native library cannot be loaded (see <see cref="IsSupported"/>).</exception>
    public Argon2idSodiumHasher(Argon2idParameters parameters)
        : base(parameters)
    {
        if (!Supports(parameters, parameters.SaltLength))
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), "libsodium argon2id needs p=1 and a 16-byte salt.");
        }

        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("libsodium could not be loaded on this platform.");
        }

        _configured = Algorithm(parameters);
    }

    /// <summary>Whether libsodium loads and works here (checked once, by deriving a small hash).</summary>
    public static bool IsSupported => Available.Value;

    /// <inheritdoc />
    public override string Name => "sodium";

    /// <summary>Whether libsodium can compute a hash with these parameters and salt length.</summary>
    public static bool Supports(Argon2idParameters parameters, int saltLength) => parameters.Parallelism == 1 && saltLength == 16;

    /// <inheritdoc />
    protected override bool CanDerive(Argon2idParameters parameters, int saltLength) => Supports(parameters, saltLength);

    /// <inheritdoc />
    protected override void DeriveCore(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output)
    {
        var algorithm = parameters.MemoryKiB == Parameters.MemoryKiB && parameters.Iterations == Parameters.Iterations
            ? _configured
            : Algorithm(parameters);
        algorithm.DeriveBytes(password, salt, output);
    }

    private static Argon2id Algorithm(Argon2idParameters parameters) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = parameters.MemoryKiB,
            NumberOfPasses = parameters.Iterations,
        });

    private static bool Probe()
    {
        try
        {
            var settings = new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = 8, NumberOfPasses = 1 };
            Span<byte> output = stackalloc byte[16];
            PasswordBasedKeyDerivationAlgorithm.Argon2id(settings).DeriveBytes("probe"u8, new byte[16], output);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or TypeInitializationException or PlatformNotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }
}
