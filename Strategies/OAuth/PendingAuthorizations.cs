using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// Logins between the redirect to the provider and its callback: the PKCE verifier and the nonce, keyed by a hash of
/// the <c>state</c>. Kept in the strategy's store, so any node of a cluster can take the callback. A state is consumed by
/// its first callback (forged, replayed or expired states are refused) and abandoned ones are swept by age.
/// </summary>
internal sealed class PendingAuthorizations(IStrategyCredentialStore store, TimeProvider time, TimeSpan ttl)
{
    private const string Collection = "pending";
    private const int SweepBatch = 200;

    // Buckets of one TTL each: a document in a bucket at least two buckets old has expired. The sweep starts a day back
    // so abandoned logins of an earlier run are found too.
    private long _sweptUpTo = Bucket(time.GetUtcNow(), ttl) - (long)Math.Ceiling(TimeSpan.FromDays(1) / ttl);
    private int _sweeping;

    /// <summary>
    /// Starts a login: fresh state, nonce and PKCE verifier, stored until <see cref="ConsumeAsync"/> or expiry; with
    /// <paramref name="bindingHash"/> (see <see cref="BrowserBinding"/>) the callback must prove the same browser.
    /// </summary>
    public async ValueTask<PendingAuthorization> StartAsync(string? bindingHash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = new PendingAuthorization(RandomToken(), RandomToken(), RandomToken(), now + ttl, bindingHash);
        var source = new JsonObject
        {
            ["binding"] = bindingHash,
            ["verifier"] = pending.Verifier,
            ["nonce"] = pending.Nonce,
            ["expiresAt"] = pending.ExpiresAt.ToUnixTimeMilliseconds(),
            ["bucket"] = Bucket(now, ttl).ToString(CultureInfo.InvariantCulture),
        };
        await store.PutAsync(Collection, Key(pending.State), JsonSerializer.SerializeToElement(source, StrategyJsonContext.Default.JsonObject), StrategyDocument.Absent, cancellationToken);
        SweepInBackground(now);
        return pending;
    }

    /// <summary>Takes the login a callback's <paramref name="state"/> belongs to; null when unknown, already used or expired.</summary>
    public async ValueTask<PendingAuthorization?> ConsumeAsync(string state, CancellationToken cancellationToken)
    {
        if (state.Length is 0 or > 256)
        {
            return null;
        }

        var key = Key(state);
        var doc = await store.GetAsync(Collection, key, cancellationToken);
        if (doc is null)
        {
            return null;
        }

        // Deleting with the version read makes the state single-use even when two callbacks race.
        try
        {
            if (!await store.DeleteAsync(Collection, key, doc.Version, cancellationToken))
            {
                return null;
            }
        }
        catch (StrategyStoreConflictException)
        {
            return null;
        }

        var source = doc.Source;
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(source.GetProperty("expiresAt").GetInt64());
        return expiresAt <= time.GetUtcNow()
            ? null
            : new PendingAuthorization(
                state,
                source.GetProperty("verifier").GetString()!,
                source.GetProperty("nonce").GetString()!,
                expiresAt,
                source.TryGetProperty("binding", out var binding) && binding.ValueKind == JsonValueKind.String ? binding.GetString() : null);
    }

    /// <summary>The S256 PKCE challenge of a verifier (RFC 7636 §4.2).</summary>
    public static string Challenge(string verifier) =>
        Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    // The state itself is never stored: a leaked store does not let anyone complete a pending login.
    private static string Key(string state) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));

    private static long Bucket(DateTimeOffset at, TimeSpan ttl) => at.ToUnixTimeMilliseconds() / (long)ttl.TotalMilliseconds;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void SweepInBackground(DateTimeOffset now)
    {
        var upTo = Bucket(now, ttl) - 2;
        if (upTo <= Interlocked.Read(ref _sweptUpTo) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                for (var bucket = Interlocked.Read(ref _sweptUpTo) + 1; bucket <= upTo; bucket++)
                {
                    var label = bucket.ToString(CultureInfo.InvariantCulture);
                    IReadOnlyList<StrategyDocument> stale;
                    do
                    {
                        stale = await store.FindAsync(Collection, "bucket", label, SweepBatch);
                        foreach (var doc in stale)
                        {
                            await store.DeleteAsync(Collection, doc.Id);
                        }
                    }
                    while (stale.Count == SweepBatch);

                    Interlocked.Exchange(ref _sweptUpTo, bucket);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Best effort: the next login sweeps again from where this one stopped.
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }
        });
    }
}

/// <summary>One started login; <paramref name="BindingHash"/> is null for an unbound (WebSocket) login.</summary>
internal sealed record PendingAuthorization(string State, string Verifier, string Nonce, DateTimeOffset ExpiresAt, string? BindingHash);
