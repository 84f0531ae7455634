using Kuzzle.Realtime.Storage.Tests.Contract;
using Microsoft.Data.Sqlite;

namespace Kuzzle.Realtime.Storage.Tests;

/// <summary>The storage contract against the embedded (SQLite) store, plus what only a file can show: durability and locking.</summary>
[TestFixture]
public sealed class EmbeddedStorageContractTests : StorageContract
{
    private string _fixtureDirectory = null!;

    [OneTimeSetUp]
    public void CreateFixtureDirectory()
    {
        _fixtureDirectory = Path.Combine(Path.GetTempPath(), $"kuzzle-storage-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_fixtureDirectory);
    }

    [OneTimeTearDown]
    public void DeleteFixtureDirectory() => Directory.Delete(_fixtureDirectory, recursive: true);

    protected override async Task<IStorageProvider> CreateProviderAsync(ChangeFeedErrorHandler onHandlerError, TimeProvider? clock = null)
        => await EmbeddedStorage.OpenAsync(
            NewDataDirectory(), Options(onHandlerError) with { TimeProvider = clock ?? TimeProvider.System }, Ct);

    [Test]
    public void The_provider_is_named_embedded() => Assert.That(Storage.Name, Is.EqualTo("embedded"));

    [Test]
    public async Task Writes_survive_closing_and_reopening()
    {
        var directory = NewDataDirectory();
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        await using (var first = await EmbeddedStorage.OpenAsync(directory, Options(ReportHandlerError), Ct))
        {
            await first.Documents.CreateAsync("users", "alice", """{"name":"Alice"}""", [new("profileIds", "admin")], Ct);
            await first.Documents.ReplaceAsync("users", "alice", """{"name":"Alice B."}""", 1, [new("profileIds", "default")], Ct);
            await first.Sessions.AddAsync(new SessionRecord("t1", "alice", expiresAt, """{"jwt":"x"}"""), Ct);
        }

        await using var second = await EmbeddedStorage.OpenAsync(directory, Options(ReportHandlerError), Ct);

        Assert.That(await second.Documents.GetAsync("users", "alice", Ct), Is.EqualTo(new StoredDocument("alice", """{"name":"Alice B."}""", 2)));
        Assert.That(await second.Documents.CountByTermAsync("users", "profileIds", "default", Ct), Is.EqualTo(1));
        Assert.That(await second.Documents.CountByTermAsync("users", "profileIds", "admin", Ct), Is.Zero);
        Assert.That(await second.Sessions.GetAsync("t1", Ct), Is.EqualTo(new SessionRecord("t1", "alice", expiresAt, """{"jwt":"x"}""")));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_store_is_readable_by_its_owner_only()
    {
        var directory = Path.Combine(NewDataDirectory(), "nested");
        await using (var store = await EmbeddedStorage.OpenAsync(directory, Options(ReportHandlerError), Ct))
        {
            await store.Documents.CreateAsync("users", "alice", """{"hash":"secret"}""", [], Ct);
            await store.Sessions.AddAsync(new SessionRecord("t1", "alice", null, "{}"), Ct);
            AssertOwnerOnly(directory);
        }

        // A store left world-readable by an earlier version is tightened when opened.
        File.SetUnixFileMode(Path.Combine(directory, "kuzzle.db"), (UnixFileMode)Convert.ToInt32("644", 8));
        await (await EmbeddedStorage.OpenAsync(directory, Options(ReportHandlerError), Ct)).DisposeAsync();
        AssertOwnerOnly(directory);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void AssertOwnerOnly(string directory)
    {
        Assert.That(File.GetUnixFileMode(directory), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), directory);
        var files = Directory.GetFiles(directory);
        Assert.That(files, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var file in files)
            {
                Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), file);
            }
        });
    }

    [Test]
    public async Task The_file_is_in_wal_mode_at_the_current_schema_version()
    {
        var directory = NewDataDirectory();
        await (await EmbeddedStorage.OpenAsync(directory, cancellationToken: Ct)).DisposeAsync();

        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "kuzzle.db"), Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        var journalMode = (string?)await command.ExecuteScalarAsync(Ct);
        command.CommandText = "PRAGMA user_version;";
        var userVersion = (long?)await command.ExecuteScalarAsync(Ct);

        Assert.That(journalMode, Is.EqualTo("wal"));
        Assert.That(userVersion, Is.EqualTo(1));
    }

    [Test]
    public async Task A_directory_opens_once_at_a_time()
    {
        var directory = NewDataDirectory();
        await using (var first = await EmbeddedStorage.OpenAsync(directory, cancellationToken: Ct))
        {
            await Assert.ThrowsAsync<IOException>(() => EmbeddedStorage.OpenAsync(directory, cancellationToken: Ct));
        }

        await using var reopened = await EmbeddedStorage.OpenAsync(directory, cancellationToken: Ct);
        Assert.That(await reopened.Documents.CountAsync("users", Ct), Is.Zero);
    }

    [Test]
    public async Task A_file_that_is_not_a_database_makes_the_store_unavailable()
    {
        var directory = NewDataDirectory();
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "kuzzle.db"), new string('x', 4096), Ct);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => EmbeddedStorage.OpenAsync(directory, cancellationToken: Ct));
    }

    [Test]
    public async Task A_disposed_store_refuses_operations()
    {
        var storage = await EmbeddedStorage.OpenAsync(NewDataDirectory(), cancellationToken: Ct);
        await storage.DisposeAsync();
        await storage.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.Documents.GetAsync("users", "alice", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.Sessions.AddAsync(new SessionRecord("t", "u", null, "{}"), Ct));
    }

    [Test]
    public async Task Expired_rows_are_purged_in_the_background()
    {
        var directory = NewDataDirectory();
        var options = Options(ReportHandlerError) with { PurgeInterval = TimeSpan.FromMilliseconds(50) };
        await using (var storage = await EmbeddedStorage.OpenAsync(directory, options, Ct))
        {
            await storage.Sessions.AddAsync(new SessionRecord("short", "u", DateTimeOffset.UtcNow.AddMilliseconds(100), "{}"), Ct);
            await storage.Sessions.AddAsync(new SessionRecord("long", "u", null, "{}"), Ct);
            await Task.Delay(400, Ct);
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "kuzzle.db"), Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(token_id) FROM sessions;";

        Assert.That(await command.ExecuteScalarAsync(Ct), Is.EqualTo("long"));
    }

    private string NewDataDirectory() => Path.Combine(_fixtureDirectory, Guid.NewGuid().ToString("N"));

    private static EmbeddedStorageOptions Options(ChangeFeedErrorHandler onHandlerError)
        => EmbeddedStorageOptions.Default with { OnChangeFeedHandlerError = onHandlerError };
}
