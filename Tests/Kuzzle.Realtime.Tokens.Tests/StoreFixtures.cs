using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Storage.Tests;

namespace Kuzzle.Realtime.Tokens.Tests;

/// <summary>The token contract on the embedded store.</summary>
[TestFixture]
public sealed class EmbeddedTokenTests : TokenContract
{
    private readonly List<string> _directories = [];

    [OneTimeTearDown]
    public void DeleteDirectories()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    protected override async Task<IStorageProvider> OpenStoreAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"kuzzle-tokens-tests-{Guid.NewGuid():N}");
        _directories.Add(directory);
        return await EmbeddedStorage.OpenAsync(directory, EmbeddedStorageOptions.Default with { TimeProvider = Clock }, Ct);
    }

    protected override Task<IStorageProvider?> OpenSecondNodeAsync() => Task.FromResult<IStorageProvider?>(null);
}

/// <summary>The token contract on a real redis-server, including what only a shared store shows (two nodes).</summary>
[TestFixture]
public sealed class RedisTokenTests : TokenContract
{
    private RedisServerProcess _server = null!;
    private string _prefix = "";

    [OneTimeSetUp]
    public async Task StartRedis() => _server = await RedisServerProcess.StartAsync(CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopRedis() => await _server.DisposeAsync();

    protected override async Task<IStorageProvider> OpenStoreAsync()
    {
        _prefix = $"tokens-{Guid.NewGuid():N}:";
        return await RedisStorage.ConnectAsync(_server.ConnectionString, _prefix, RedisStorageOptions.Default with { TimeProvider = Clock }, Ct);
    }

    protected override async Task<IStorageProvider?> OpenSecondNodeAsync() =>
        await RedisStorage.ConnectAsync(_server.ConnectionString, _prefix, RedisStorageOptions.Default with { TimeProvider = Clock }, Ct);
}
