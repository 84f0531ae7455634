using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Server.Security;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Api.Controllers;

// Credentials (security.md §5.4) and user creation with credentials (§5.1.1). Errors: security.credentials.unknown_strategy /
// database_inconsistency / rejected, plugin.runtime.unexpected_error, plugin.strategy.missing_optional_method, the strategies' own.
public sealed partial class SecurityController
{
    private void RegisterCredentials(ControllerTableBuilder table)
    {
        table.Add(Name, "createCredentials", (c, ct) => Guard(async () =>
            {
                var (strategy, kuid) = (Strategy(c), Id(c.Input));
                _ = await store.Users.GetAsync(kuid, ct);
                var call = CallContext(c);
                var body = c.Input.GetBodyObject();
                await StrategyCallAsync(() => strategy.ValidateAsync(call, body, kuid, false, ct).AsTask());
                return Result(await StrategyCallAsync(() => strategy.CreateAsync(call, body, kuid, ct).AsTask()));
            }))
            .Add(Name, "updateCredentials", (c, ct) => Guard(async () =>
            {
                var (strategy, kuid) = (Strategy(c), Id(c.Input));
                _ = await store.Users.GetAsync(kuid, ct);
                var call = CallContext(c);
                var body = c.Input.GetBodyObject();
                await StrategyCallAsync(() => strategy.ValidateAsync(call, body, kuid, true, ct).AsTask());
                var updated = await StrategyCallAsync(() => strategy.UpdateAsync(call, body, kuid, ct).AsTask());
                await passwordChanges.AfterCredentialsUpdateAsync(kuid, body, c.User, ct);
                return Result(updated);
            }))
            .Add(Name, "deleteCredentials", (c, ct) => Guard(async () =>
            {
                var (strategy, kuid) = (Strategy(c), Id(c.Input));
                await StrategyCallAsync(() => strategy.DeleteAsync(CallContext(c), kuid, ct).AsTask());
                return Result(new JsonObject { ["acknowledged"] = true });
            }))
            .Add(Name, "getCredentials", (c, ct) => Guard(async () =>
            {
                var (strategy, kuid) = (Strategy(c), Id(c.Input));
                return Result(strategy.Features.HasFlag(StrategyFeatures.GetInfo)
                    ? await StrategyCallAsync(() => strategy.GetInfoAsync(CallContext(c), kuid, ct).AsTask())
                    : []);
            }))
            .Add(Name, "getCredentialsById", (c, ct) => Guard(async () =>
            {
                var (strategy, id) = (Strategy(c), Id(c.Input));
                return Result(strategy.Features.HasFlag(StrategyFeatures.GetById)
                    ? await StrategyCallAsync(() => strategy.GetByIdAsync(CallContext(c), id, ct).AsTask())
                    : []);
            }))
            .Add(Name, "hasCredentials", (c, ct) => Guard(async () =>
            {
                var (strategy, kuid) = (Strategy(c), Id(c.Input));
                return Result(JsonValue.Create(await StrategyCallAsync(() => strategy.ExistsAsync(CallContext(c), kuid, ct).AsTask())));
            }))
            .Add(Name, "validateCredentials", (c, ct) => Guard(async () =>
            {
                var strategy = Strategy(c);
                var kuid = c.Input.GetIdOrDefault() ?? string.Empty;
                var body = c.Input.GetBodyObject();
                await StrategyCallAsync(() => strategy.ValidateAsync(CallContext(c), body, kuid, false, ct).AsTask());
                return Result(JsonValue.Create(true));
            }))
            .Add(Name, "getCredentialFields", (c, _) =>
                ValueTask.FromResult<ApiResult?>(Result(new JsonArray([.. Strategy(c).Fields.Select(f => (JsonNode)JsonValue.Create(f))]))))
            .Add(Name, "getAllCredentialFields", (_, _) =>
            {
                var all = new JsonObject();
                foreach (var name in strategies.Names)
                {
                    if (strategies.TryGet(name, out var strategy))
                    {
                        all[name] = new JsonArray([.. strategy.Fields.Select(f => (JsonNode)JsonValue.Create(f))]);
                    }
                }

                return ValueTask.FromResult<ApiResult?>(Result(all));
            })
            .Add(Name, "searchUsersByCredentials", (c, ct) => Guard(async () =>
            {
                var strategy = Strategy(c);
                var from = c.Input.GetInteger("from", 0);
                var size = c.Input.GetInteger("size", SecurityCollections.MaxFetch);
                if (size - from > SecurityCollections.MaxFetch)
                {
                    throw KuzzleErrors.Services.Storage.GetLimitExceeded.Create();
                }

                if (!strategy.Features.HasFlag(StrategyFeatures.Search))
                {
                    throw KuzzleErrors.Plugin.Strategy.MissingOptionalMethod.Create("search", strategy.Name);
                }

                var found = await StrategyCallAsync(() => strategy.SearchAsync(BodyOrEmpty(c.Input), (int)from, (int)size, ct).AsTask());
                return Result(new JsonObject
                {
                    ["hits"] = new JsonArray([.. found.Hits.Select(h => (JsonNode)h.DeepClone())]),
                    ["total"] = found.Total,
                });
            }));
    }

    private IAuthenticationStrategy Strategy(RequestContext context)
    {
        var name = context.Input.GetString("strategy");
        return strategies.TryGet(name, out var strategy) ? strategy : throw KuzzleErrors.Security.Credentials.UnknownStrategy.Create(name);
    }

    private static StrategyCallContext CallContext(RequestContext context) => new(
        context.Input.Controller,
        context.User.Kuid,
        context.Input.Body,
        context.Input.EnumerateArgs().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal));

    /// <summary>Runs a strategy method: its own errors reach the client as they are, anything unexpected is a plugin error.</summary>
    private static async Task<T> StrategyCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StrategyException e)
        {
            throw StrategyErrors.From(e);
        }
        catch (Exception e) when (e is not (KuzzleException or StorageException or OperationCanceledException))
        {
            throw KuzzleErrors.Plugin.Runtime.UnexpectedError.Create(e.Message);
        }
    }

    private static Task<bool> StrategyCallAsync(Func<Task> call) => StrategyCallAsync(async () =>
    {
        await call();
        return true;
    });

    /// <summary>
    /// createUser / createRestrictedUser / createFirstAdmin / upsertUser-create with credentials (security.md §5.1.1): every strategy
    /// named and every credential validated before anything is written, then the user and the credentials; any failure removes what
    /// was written, so there is never a user without its credentials nor credentials without their user.
    /// </summary>
    private async Task<SecurityDocument> CreateWithCredentialsAsync(
        RequestContext context, string kuid, JsonElement content, JsonElement? credentials, CancellationToken cancellationToken)
    {
        var call = CallContext(context);
        var entries = new List<(IAuthenticationStrategy Strategy, JsonElement Credentials)>();
        foreach (var property in credentials?.EnumerateObject() ?? default)
        {
            entries.Add(strategies.TryGet(property.Name, out var strategy)
                ? (strategy, property.Value)
                : throw KuzzleErrors.Security.Credentials.UnknownStrategy.Create(property.Name));
        }

        var generated = context.Input.GetIdOrDefault() is null;
        for (var attempt = 0; entries.Count > 0; attempt++)
        {
            var taken = false;
            foreach (var (strategy, _) in entries)
            {
                taken |= await StrategyCallAsync(() => strategy.ExistsAsync(call, kuid, cancellationToken).AsTask());
            }

            if (!taken)
            {
                break;
            }

            if (!generated || attempt >= 10)
            {
                // Kuzzle reports database_inconsistency here even when the user simply exists with its credentials: say so instead,
                // and keep the 500 for credentials that really have no user.
                throw await store.Users.FindAsync(kuid, cancellationToken) is not null
                    ? KuzzleErrors.Security.User.AlreadyExists.Create(kuid)
                    : KuzzleErrors.Security.Credentials.DatabaseInconsistency.Create(kuid);
            }

            kuid = UserRepository.GenerateKuid(context.Input.GetStringOrDefault("kuid"));
        }

        foreach (var (strategy, value) in entries)
        {
            try
            {
                await strategy.ValidateAsync(call, value, kuid, false, cancellationToken);
            }
            catch (StrategyException e)
            {
                throw StrategyErrors.From(e);
            }
            catch (Exception e) when (e is not (KuzzleException or StorageException or OperationCanceledException))
            {
                throw KuzzleErrors.Security.Credentials.Rejected.Create(e.Message);
            }
        }

        var user = await store.Users.CreateAsync(kuid, content, context.User.Kuid, "body.content.profileIds", cancellationToken);
        var created = new List<IAuthenticationStrategy>();
        foreach (var (strategy, value) in entries)
        {
            try
            {
                await strategy.CreateAsync(call, value, kuid, cancellationToken);
                created.Add(strategy);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var rollbackErrors = await RollbackAsync(call, kuid, created);
                throw rollbackErrors.Count > 0
                    ? KuzzleErrors.Plugin.Runtime.UnexpectedError.Create(string.Join("\n", rollbackErrors))
                    : e switch
                    {
                        StrategyException s => StrategyErrors.From(s),
                        KuzzleException k => k,
                        _ => KuzzleErrors.Plugin.Runtime.UnexpectedError.Create(e.Message),
                    };
            }
        }

        return user;
    }

    // Undo in reverse: credentials created so far, then the user document. Not cancellable: a half rollback is worse than a slow one.
    private async Task<List<string>> RollbackAsync(StrategyCallContext call, string kuid, List<IAuthenticationStrategy> created)
    {
        var errors = new List<string>();
        foreach (var strategy in Enumerable.Reverse(created))
        {
            try
            {
                await strategy.DeleteAsync(call, kuid, CancellationToken.None);
            }
            catch (Exception e)
            {
                errors.Add(e.Message);
            }
        }

        try
        {
            await store.Users.DeleteAsync(kuid, CancellationToken.None);
        }
        catch (Exception e)
        {
            errors.Add(e.Message);
        }

        return errors;
    }
}
