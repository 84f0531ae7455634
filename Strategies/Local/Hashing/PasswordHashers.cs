namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>Chooses the argon2id implementation.</summary>
public static class PasswordHashers
{
    /// <summary>
    /// libsodium when it loads here and supports <paramref name="parameters"/> (p=1, 16-byte salt), else the managed implementation.
    /// </summary>
    public static IPasswordHasher CreateDefault(Argon2idParameters parameters) =>
        Argon2idSodiumHasher.Supports(parameters, parameters.SaltLength) && Argon2idSodiumHasher.IsSupported
            ? new Argon2idSodiumHasher(parameters)
            : new Argon2idManagedHasher(parameters);

    /// <summary>Creates the implementation named <paramref name="name"/>: <c>auto</c> (see <see cref="CreateDefault"/>), <c>sodium</c> or <c>managed</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static IPasswordHasher Create(string name, Argon2idParameters parameters) => name switch
    {
        "auto" => CreateDefault(parameters),
        "sodium" => new Argon2idSodiumHasher(parameters),
        "managed" => new Argon2idManagedHasher(parameters),
        _ => throw new ArgumentException($"Unknown password hasher \"{name}\" (expected auto, sodium or managed).", nameof(name)),
    };
}
