namespace Kuzzle.Realtime.Security.Store.Tests;

/// <summary>The security store contract on the embedded (SQLite) store.</summary>
[TestFixture]
public sealed class EmbeddedSecurityStoreTests : SecurityStoreContract
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("kuzzle-security-store-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    protected override async Task<Kuzzle.Realtime.Storage.IStorageProvider> CreateProviderAsync() =>
        await Kuzzle.Realtime.Storage.EmbeddedStorage.OpenAsync(Path.Combine(_directory, Guid.NewGuid().ToString("N")), cancellationToken: Ct);
}
