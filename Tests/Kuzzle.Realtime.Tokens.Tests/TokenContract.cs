using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Storage.Tests;

namespace Kuzzle.Realtime.Tokens.Tests;

/// <summary>Token behaviour every store must give: run against the embedded store and a real Redis.</summary>
public abstract class TokenContract
{
    protected static CancellationToken Ct => CancellationToken.None;

    protected ManualClock Clock { get; private set; } = null!;

    protected IStorageProvider Store { get; private set; } = null!;

    protected TokenService Tokens { get; private set; } = null!;

    /// <summary>A fresh, empty store (for Redis: a new key prefix on the shared server).</summary>
    protected abstract Task<IStorageProvider> OpenStoreAsync();

    /// <summary>A second node on the same shared state, or null when the store cannot be shared.</summary>
    protected abstract Task<IStorageProvider?> OpenSecondNodeAsync();

    [SetUp]
    public async Task CreateService()
    {
        Clock = new ManualClock(DateTimeOffset.UtcNow);
        Store = await OpenStoreAsync();
        Tokens = await TokenService.CreateAsync(new TokenOptions(), Store, Clock, Ct);
    }

    [TearDown]
    public async Task DisposeService()
    {
        await Tokens.DisposeAsync();
        await Store.DisposeAsync();
    }

    [Test]
    public async Task A_created_token_has_kuzzles_format_and_verifies()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);

        Assert.That(token.Token, Does.StartWith("kauth-"));
        var parts = token.Token["kauth-".Length..].Split('.');
        Assert.That(parts, Has.Length.EqualTo(3));
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url(parts[1]));
        Assert.Multiple(() =>
        {
            Assert.That(header.RootElement.GetProperty("alg").GetString(), Is.EqualTo("HS256"));
            Assert.That(payload.RootElement.GetProperty("_id").GetString(), Is.EqualTo("alice"));
            Assert.That(payload.RootElement.GetProperty("exp").GetInt64() - payload.RootElement.GetProperty("iat").GetInt64(), Is.EqualTo(3600));
            Assert.That(token.Ttl, Is.EqualTo(3_600_000));
            Assert.That(token.ExpiresAt, Is.EqualTo(Clock.Now.ToUnixTimeMilliseconds() + 3_600_000));
        });

        var verified = await Tokens.VerifyAsync(token.Token, Ct);
        Assert.That((verified.Kuid, verified.Kind, verified.ExpiresAt), Is.EqualTo(("alice", TokenKind.Auth, token.ExpiresAt)));
    }

    [Test]
    public async Task The_session_store_never_holds_the_token_itself()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);

        var sessions = await Store.Sessions.ListByUserAsync("alice", Ct);
        Assert.That(sessions, Has.Count.EqualTo(1));
        Assert.That(sessions[0].TokenId, Is.EqualTo(token.Hash.ToHex()));
        Assert.That(sessions[0].Json, Does.Not.Contain(token.Token["kauth-".Length..].Split('.')[2]));
    }

    [Test]
    public async Task A_revoked_token_is_invalid_at_once_even_when_cached()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        await Tokens.VerifyAsync(token.Token, Ct);
        Assert.That(Tokens.CachedSessions, Is.EqualTo(1));

        Assert.That(await Tokens.RevokeAsync(token, Ct), Is.True);

        await AssertErrorAsync(token.Token, "security.token.invalid");
    }

    [Test]
    public async Task Revocation_is_announced_to_listeners()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        var revoked = new TaskCompletionSource<TokenHash>(TaskCreationOptions.RunContinuationsAsynchronously);
        Tokens.Revoked += h => revoked.TrySetResult(h);

        await Tokens.RevokeAsync(token, Ct);

        Assert.That(await revoked.Task.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(token.Hash));
    }

    [Test]
    public async Task A_session_that_vanished_from_the_store_makes_its_token_invalid()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        await Store.Sessions.RemoveAsync(token.Hash.ToHex(), Ct);

        await AssertErrorAsync(token.Token, "security.token.invalid");
    }

    [Test]
    public async Task An_expired_token_is_reported_as_expired()
    {
        var token = await Tokens.CreateAsync("alice", 60_000, cancellationToken: Ct);
        await Tokens.VerifyAsync(token.Token, Ct);

        Clock.Now = Clock.Now.AddMinutes(2);

        await AssertErrorAsync(token.Token, "security.token.expired");
    }

    [TestCase("")]
    [TestCase("garbage")]
    [TestCase("kauth-garbage")]
    [TestCase("kauth-a.b.c")]
    [TestCase("kapikey-a.b.c")]
    public async Task Garbage_is_invalid(string token) => await AssertErrorAsync(token, "security.token.invalid");

    [Test]
    public async Task A_token_without_its_prefix_is_invalid()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);

        await AssertErrorAsync(token.Token["kauth-".Length..], "security.token.invalid");
    }

    [Test]
    public async Task A_tampered_payload_or_signature_is_invalid()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        var parts = token.Token["kauth-".Length..].Split('.');
        var otherPayload = ToBase64Url("""{"_id":"admin","iat":1,"exp":99999999999}""");
        var flippedSignature = parts[2][..^2] + (parts[2][^2] == 'A' ? "B" : "A") + parts[2][^1];

        await AssertErrorAsync($"kauth-{parts[0]}.{otherPayload}.{parts[2]}", "security.token.invalid");
        await AssertErrorAsync($"kauth-{parts[0]}.{parts[1]}.{flippedSignature}", "security.token.invalid");
    }

    [Test]
    public async Task Tokens_signed_with_another_algorithm_or_none_are_invalid()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        var parts = token.Token["kauth-".Length..].Split('.');
        var none = ToBase64Url("""{"alg":"none","typ":"JWT"}""");

        // Same key, other HMAC: a verifier that trusted the header would accept it.
        var secret = (await Store.Documents.GetAsync(TokenSecret.Collection, TokenSecret.DocumentId, Ct))!.Json;
        var seed = JsonDocument.Parse(secret).RootElement.GetProperty("seed").GetString()!;
        var hs512 = new JwtCodec(seed, "HS512", TimeSpan.Zero, Clock).Create("alice", Clock.Now.ToUnixTimeMilliseconds(), Clock.Now.AddHours(1).ToUnixTimeMilliseconds());

        await AssertErrorAsync($"kauth-{none}.{parts[1]}.", "security.token.invalid");
        await AssertErrorAsync("kauth-" + hs512, "security.token.invalid");
    }

    [Test]
    public async Task Revoking_all_tokens_of_a_user_keeps_other_users_and_api_keys()
    {
        var first = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        var second = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        var bob = await Tokens.CreateAsync("bob", null, cancellationToken: Ct);
        var (_, apiKey) = await Tokens.ApiKeys.CreateAsync("alice", null, null, "ci", enforceMaxTtl: true, Ct);

        Assert.That(await Tokens.RevokeAllAsync("alice", Ct), Is.EqualTo(2));

        await AssertErrorAsync(first.Token, "security.token.invalid");
        await AssertErrorAsync(second.Token, "security.token.invalid");
        Assert.That((await Tokens.VerifyAsync(bob.Token, Ct)).Kuid, Is.EqualTo("bob"));
        Assert.That((await Tokens.VerifyAsync(apiKey, Ct)).Kind, Is.EqualTo(TokenKind.ApiKey));
    }

    [Test]
    public async Task A_refreshed_token_works_for_the_grace_period_only()
    {
        var old = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        await Tokens.VerifyAsync(old.Token, Ct);

        var fresh = await Tokens.RefreshAsync(old, 7_200_000, Ct);

        Assert.That(fresh.Ttl, Is.EqualTo(7_200_000));
        Assert.That(fresh.Token, Is.Not.EqualTo(old.Token));
        Assert.That((await Tokens.VerifyAsync(old.Token, Ct)).Refreshed, Is.True);
        Clock.Now = Clock.Now.AddMilliseconds(1500);
        await Tokens.VerifyAsync(fresh.Token, Ct);
        await AssertErrorAsync(old.Token, "security.token.invalid");
    }

    [Test]
    public async Task A_token_cannot_be_refreshed_twice_nor_when_infinite()
    {
        var old = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        await Tokens.RefreshAsync(old, null, Ct);
        var infinite = await Tokens.CreateAsync("alice", -1, cancellationToken: Ct);

        var twice = await Assert.ThrowsAsync<KuzzleException>(async () => await Tokens.RefreshAsync(old, null, Ct));
        var forever = await Assert.ThrowsAsync<KuzzleException>(async () => await Tokens.RefreshAsync(infinite, null, Ct));

        Assert.That(twice!.Definition!.Id, Is.EqualTo("security.token.invalid"));
        Assert.That((forever!.Definition!.Id, forever.Message), Is.EqualTo(("security.token.refresh_forbidden", "Token with infinite TTL cannot be refreshed.")));
    }

    [Test]
    public async Task An_infinite_token_has_no_exp_and_never_expires()
    {
        var token = await Tokens.CreateAsync("alice", -1, cancellationToken: Ct);
        Clock.Now = Clock.Now.AddYears(5);

        var verified = await Tokens.VerifyAsync(token.Token, Ct);

        Assert.That((verified.ExpiresAt, verified.Ttl), Is.EqualTo((-1L, -1L)));
        using var payload = JsonDocument.Parse(Base64Url(token.Token["kauth-".Length..].Split('.')[1]));
        Assert.That(payload.RootElement.TryGetProperty("exp", out _), Is.False);
    }

    [Test]
    public async Task A_single_use_token_is_consumed_by_its_first_check()
    {
        var token = await Tokens.CreateAsync("alice", null, singleUse: true, Ct);

        Assert.That((await Tokens.VerifyAsync(token.Token, Ct)).SingleUse, Is.True);
        await AssertErrorAsync(token.Token, "security.token.invalid");
    }

    [Test]
    public async Task The_maximum_ttl_is_enforced()
    {
        await using var capped = await TokenService.CreateAsync(new TokenOptions { MaxTtl = 60_000 }, Store, Clock, Ct);

        foreach (var asked in new long?[] { 120_000, -1 })
        {
            var error = await Assert.ThrowsAsync<KuzzleException>(async () => await capped.CreateAsync("alice", asked, cancellationToken: Ct));
            Assert.That(error!.Definition!.Id, Is.EqualTo("security.token.ttl_exceeded"));
        }

        Assert.That((await capped.CreateAsync("alice", 30_000, cancellationToken: Ct)).Ttl, Is.EqualTo(30_000));
    }

    [Test]
    public async Task The_generated_secret_is_persisted_and_shared_by_every_service_on_the_store()
    {
        var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
        await using var restarted = await TokenService.CreateAsync(new TokenOptions(), Store, Clock, Ct);

        Assert.That((await restarted.VerifyAsync(token.Token, Ct)).Kuid, Is.EqualTo("alice"));
        var stored = (await Store.Documents.GetAsync(TokenSecret.Collection, TokenSecret.DocumentId, Ct))!.Json;
        Assert.That(JsonDocument.Parse(stored).RootElement.GetProperty("seed").GetString(), Has.Length.EqualTo(1024));
    }

    [Test]
    public async Task A_configured_secret_is_used_instead_and_other_secrets_fail()
    {
        await using var configured = await TokenService.CreateAsync(new TokenOptions { Secret = new string('s', 64) }, Store, Clock, Ct);
        var token = await configured.CreateAsync("alice", null, cancellationToken: Ct);

        await AssertErrorAsync(token.Token, "security.token.invalid"); // Tokens uses the generated secret.
        Assert.That((await configured.VerifyAsync(token.Token, Ct)).Kuid, Is.EqualTo("alice"));
    }

    [Test]
    public async Task Api_keys_authenticate_until_deleted()
    {
        var (key, token) = await Tokens.ApiKeys.CreateAsync("alice", "my-key", null, "for CI", enforceMaxTtl: true, Ct);

        Assert.That(token, Does.StartWith("kapikey-"));
        Assert.That((key.Id, key.ExpiresAt, key.Ttl, key.UserId, key.Fingerprint), Is.EqualTo(("my-key", -1L, -1L, "alice", TokenHash.Compute(token).ToHex())));
        var verified = await Tokens.VerifyAsync(token, Ct);
        Assert.That((verified.Kind, verified.Kuid, verified.ApiKeyId), Is.EqualTo((TokenKind.ApiKey, "alice", "my-key")));
        Assert.That((await Tokens.ApiKeys.ListAsync("alice", Ct)).Select(k => k.Id), Is.EqualTo(new[] { "my-key" }));
        Assert.That((await Store.Documents.GetAsync(ApiKeyStore.Collection, "my-key", Ct))!.Json, Does.Not.Contain(token["kapikey-".Length..].Split('.')[2]));

        await Tokens.ApiKeys.DeleteAsync("alice", "my-key", Ct);

        await AssertErrorAsync(token, "security.token.invalid");
        Assert.That(await Tokens.ApiKeys.ListAsync("alice", Ct), Is.Empty);
    }

    [Test]
    public async Task Api_key_ids_are_unique_and_owned()
    {
        var (key, _) = await Tokens.ApiKeys.CreateAsync("alice", null, 60_000, "one", enforceMaxTtl: true, Ct);
        Assert.That(Guid.TryParse(key.Id, out _), Is.True);

        var duplicate = await Assert.ThrowsAsync<KuzzleException>(async () => await Tokens.ApiKeys.CreateAsync("bob", key.Id, null, "two", enforceMaxTtl: true, Ct));
        var foreign = await Assert.ThrowsAsync<KuzzleException>(async () => await Tokens.ApiKeys.DeleteAsync("bob", key.Id, Ct));
        var missing = await Assert.ThrowsAsync<KuzzleException>(async () => await Tokens.ApiKeys.DeleteAsync("bob", "nope", Ct));

        Assert.That(duplicate!.Definition!.Id, Is.EqualTo("services.storage.document_already_exists"));
        Assert.That((foreign!.Definition!.Id, foreign.Message), Is.EqualTo(("services.storage.not_found", $"ApiKey \"{key.Id}\" not found for user \"bob\".")));
        Assert.That(missing!.Definition!.Id, Is.EqualTo("services.storage.not_found"));
    }

    [Test]
    public async Task An_api_key_token_presented_for_another_user_is_invalid()
    {
        var (_, token) = await Tokens.ApiKeys.CreateAsync("alice", null, null, "x", enforceMaxTtl: true, Ct);
        var stored = (await Tokens.ApiKeys.ListAsync("alice", Ct))[0];

        // The document says bob owns it now: the token (signed for alice) must not pass for either.
        await Store.Documents.ReplaceAsync(ApiKeyStore.Collection, stored.Id, $$"""{"description":"x","expiresAt":-1,"fingerprint":"{{stored.Fingerprint}}","ttl":-1,"userId":"bob"}""",
            terms: [new IndexTerm("userId", "bob"), new IndexTerm("fingerprint", stored.Fingerprint)], cancellationToken: Ct);

        await AssertErrorAsync(token, "security.token.invalid");
    }

    [Test]
    public async Task Deleting_all_api_keys_of_a_user_revokes_them()
    {
        var (_, first) = await Tokens.ApiKeys.CreateAsync("alice", null, null, "a", enforceMaxTtl: true, Ct);
        var (_, second) = await Tokens.ApiKeys.CreateAsync("alice", null, null, "b", enforceMaxTtl: true, Ct);
        var (_, bobs) = await Tokens.ApiKeys.CreateAsync("bob", null, null, "c", enforceMaxTtl: true, Ct);
        await Tokens.VerifyAsync(first, Ct);

        Assert.That(await Tokens.ApiKeys.DeleteAllAsync("alice", Ct), Is.EqualTo(2));

        await AssertErrorAsync(first, "security.token.invalid");
        await AssertErrorAsync(second, "security.token.invalid");
        Assert.That((await Tokens.VerifyAsync(bobs, Ct)).Kuid, Is.EqualTo("bob"));
    }

    [Test]
    public async Task The_api_key_maximum_ttl_applies_to_users_but_not_to_admins()
    {
        await using var capped = await TokenService.CreateAsync(new TokenOptions { ApiKeyMaxTtl = 60_000 }, Store, Clock, Ct);

        var error = await Assert.ThrowsAsync<KuzzleException>(async () => await capped.ApiKeys.CreateAsync("alice", null, null, "x", enforceMaxTtl: true, Ct));
        var (adminKey, _) = await capped.ApiKeys.CreateAsync("alice", null, null, "x", enforceMaxTtl: false, Ct);

        Assert.That(error!.Definition!.Id, Is.EqualTo("security.token.ttl_exceeded"));
        Assert.That(adminKey.Ttl, Is.EqualTo(-1));
    }

    [Test]
    public async Task A_revocation_on_another_node_reaches_this_one()
    {
        var other = await OpenSecondNodeAsync();
        if (other is null)
        {
            Assert.Ignore("This store is not shared between nodes.");
        }

        await using (other)
        {
            await using var otherTokens = await TokenService.CreateAsync(new TokenOptions(), other, Clock, Ct);
            var token = await Tokens.CreateAsync("alice", null, cancellationToken: Ct);
            await Tokens.VerifyAsync(token.Token, Ct); // cached here
            Assert.That((await otherTokens.VerifyAsync(token.Token, Ct)).Kuid, Is.EqualTo("alice"));
            var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Tokens.Revoked += h =>
            {
                if (h == token.Hash)
                {
                    announced.TrySetResult();
                }
            };

            await otherTokens.RevokeAsync(token, Ct);

            await announced.Task.WaitAsync(TimeSpan.FromSeconds(5));
            await AssertErrorAsync(token.Token, "security.token.invalid");
        }
    }

    protected async Task AssertErrorAsync(string token, string errorId)
    {
        var error = await Assert.ThrowsAsync<KuzzleException>(async () => await Tokens.VerifyAsync(token, Ct));
        Assert.That(error!.Definition!.Id, Is.EqualTo(errorId), $"token {token}");
    }

    private static string Base64Url(string segment)
    {
        var padded = segment.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
    }

    private static string ToBase64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
