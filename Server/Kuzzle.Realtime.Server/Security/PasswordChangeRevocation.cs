using System.Text.Json;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Tokens;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// A changed password ends the user's other sessions (<c>Kuzzle:Security:RevokeSessionsOnPasswordChange</c>): whoever holds a
/// token obtained with the old password loses it. The session that made the change, when it is the user's own, stays.
/// </summary>
public sealed class PasswordChangeRevocation(TokenService tokens, EffectiveSettings settings)
{
    /// <summary>Called after credentials were updated for <paramref name="kuid"/> by <paramref name="caller"/>.</summary>
    public async ValueTask AfterCredentialsUpdateAsync(string kuid, JsonElement credentials, UserIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!settings.Options.Security.RevokeSessionsOnPasswordChange
            || credentials.ValueKind != JsonValueKind.Object
            || !credentials.TryGetProperty("password", out var password)
            || password.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        var keep = caller.Kuid == kuid && caller.Token is { Kind: TokenKind.Auth } own ? own.Hash : (TokenHash?)null;
        await tokens.RevokeAllExceptAsync(kuid, keep, cancellationToken);
    }
}
