using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>createFirstAdmin has one winner, however many callers race for it.</summary>
[TestFixture]
public sealed class FirstAdminRaceTests
{
    [Test]
    public async Task Concurrent_first_admin_creations_create_exactly_one_administrator()
    {
        await using var server = await TestServer.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.ConnectAsync()));
        try
        {
            var responses = await Task.WhenAll(clients.Select((client, i) => client.RequestAsync(
                $$$"""{"controller":"security","action":"createFirstAdmin","_id":"admin-{{{i}}}","requestId":"r{{{i}}}","body":{"credentials":{"local":{"username":"admin{{{i}}}","password":"long-enough-password"} } } }""")));

            var statuses = responses.Select(r => r.GetProperty("status").GetInt32()).ToList();
            Assert.That(statuses.Count(s => s == 200), Is.EqualTo(1), string.Join("\n", responses.Select(r => r.ToString())));
            Assert.That(responses.Where(r => r.GetProperty("status").GetInt32() != 200).Select(r => r.GetProperty("error").GetProperty("id").GetString()),
                Is.All.EqualTo("api.process.admin_exists"));

            var admins = await clients[0].RequestAsync("""{"controller":"security","action":"searchUsers","requestId":"s","body":{"query":{"term":{"profileIds":"admin"}}}}""");
            Assert.That(admins.GetProperty("result").GetProperty("total").GetInt32(), Is.EqualTo(1));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
