using System.Buffers;
using System.Text.Json;
using Kuzzle.Realtime.Client.Internal;

namespace Kuzzle.Realtime.Client;

// The authentication token: attached to requests, refreshed before it expires, dropped when the server says it expired.
public sealed partial class KuzzleClient
{
    private readonly object _tokenLock = new();
    private string? _jwt;
    private ITimer? _refreshTimer;
    private long _refreshDueAt = long.MaxValue;

    /// <summary>
    /// The token sent with every request (null: anonymous). Set by <see cref="Controllers.AuthController.LoginAsync"/> and
    /// <see cref="Controllers.AuthController.RefreshTokenAsync"/>; may be set directly (a token obtained elsewhere, an API key). Setting it
    /// schedules its automatic refresh (<see cref="KuzzleClientOptions.AutoRefreshToken"/>; API keys are never refreshed).
    /// </summary>
    public string? Jwt
    {
        get
        {
            lock (_tokenLock)
            {
                return _jwt;
            }
        }

        set => SetJwt(value);
    }

    /// <summary>The server reported the token expired (or rejected it as invalid): <see cref="Jwt"/> is now null and the
    /// subscriptions the server dropped wait for the next login to be subscribed again.</summary>
    public event EventHandler? TokenExpired;

    /// <summary>The token was refreshed automatically (<see cref="Jwt"/> holds the new one).</summary>
    public event EventHandler? TokenRefreshed;

    private void SetJwt(string? jwt)
    {
        lock (_tokenLock)
        {
            _jwt = jwt;
            _refreshTimer?.Dispose();
            _refreshTimer = null;
            _refreshDueAt = long.MaxValue;
            if (jwt is null || !_options.AutoRefreshToken || jwt.StartsWith("kapikey-", StringComparison.Ordinal)
                || !TryReadLifetime(jwt, out var issuedAt, out var expiresAt))
            {
                return;
            }

            var now = _options.TimeProvider.GetUtcNow();
            var lifetime = expiresAt - issuedAt;
            var margin = TimeSpan.FromTicks(Math.Min(_options.TokenRefreshMargin.Ticks, lifetime.Ticks / 4));
            var due = expiresAt - margin - now;
            if (due < TimeSpan.Zero)
            {
                due = TimeSpan.Zero;
            }

            _refreshDueAt = (expiresAt - margin).ToUnixTimeMilliseconds();
            _refreshTimer = _options.TimeProvider.CreateTimer(static state =>
            {
                var (client, token) = ((KuzzleClient, string))state!;
                _ = client.RefreshFromTimerAsync(token);
            }, (this, jwt), due, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopTokenRefresh()
    {
        lock (_tokenLock)
        {
            _refreshTimer?.Dispose();
            _refreshTimer = null;
        }
    }

    private bool IsRefreshDue()
    {
        lock (_tokenLock)
        {
            return _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() >= _refreshDueAt;
        }
    }

    private async Task RefreshFromTimerAsync(string token)
    {
        if (Jwt != token)
        {
            return;
        }

        WebSocketConnection? connection;
        lock (_stateLock)
        {
            if (_state != KuzzleClientState.Connected)
            {
                // Offline: the session restore after the reconnection refreshes it (IsRefreshDue).
                return;
            }

            connection = _connection;
        }

        try
        {
            if (connection is null)
            {
                await Auth.RefreshTokenAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await RefreshTokenOnAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (KuzzleException e)
        {
            // Token errors already raised TokenExpired; a network failure is retried by the session restore.
            ReportBackgroundError(e, "token refresh");
        }
    }

    private async Task RefreshTokenOnAsync(WebSocketConnection connection, CancellationToken cancellationToken)
    {
        var response = await SendDirectAsync(connection, new KuzzleRequest("auth", "refreshToken"), cancellationToken).ConfigureAwait(false);
        OnTokenRefreshed(response);
    }

    internal void OnTokenRefreshed(KuzzleResponse response)
    {
        if (response.Result.ValueKind == JsonValueKind.Object && response.Result.TryGetProperty("jwt", out var jwt) && jwt.ValueKind == JsonValueKind.String)
        {
            Jwt = jwt.GetString();
            Raise(TokenRefreshed);
        }
    }

    /// <summary>The token the request is sent with: its own, else the client's except for login and checkToken (which carry
    /// credentials or the token to check in their body).</summary>
    private string? JwtFor(KuzzleRequest request)
    {
        if (request.Jwt is not null)
        {
            return request.Jwt;
        }

        if (request.Controller == "auth" && request.Action is "login" or "checkToken")
        {
            return null;
        }

        return Jwt;
    }

    private bool IsCurrentTokenRejected(KuzzleException error, KuzzleRequest request, string? jwtSent) =>
        error.Id is "security.token.invalid" or "security.token.expired"
        && jwtSent is not null
        && request.Jwt is null
        && jwtSent == Jwt
        && !(request.Controller == "auth" && request.Action == "logout");

    internal void OnTokenExpired()
    {
        lock (_tokenLock)
        {
            if (_jwt is null)
            {
                return;
            }
        }

        SetJwt(null);
        Subscriptions.SuspendAll();
        Raise(TokenExpired);
    }

    /// <summary>After a login: rooms suspended by a token expiry are subscribed again with the new token.</summary>
    internal async Task OnLoggedInAsync(CancellationToken cancellationToken)
    {
        var connection = CurrentConnection;
        if (connection is not null && Subscriptions.HasSuspended)
        {
            await Subscriptions.ResubscribeAllAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads <c>iat</c> and <c>exp</c> from a JWT's payload (not verified: only to schedule the refresh).</summary>
    internal static bool TryReadLifetime(string jwt, out DateTimeOffset issuedAt, out DateTimeOffset expiresAt)
    {
        issuedAt = default;
        expiresAt = default;
        var token = jwt.StartsWith("kauth-", StringComparison.Ordinal) ? jwt.AsSpan(6) : jwt.AsSpan();
        var first = token.IndexOf('.');
        if (first < 0)
        {
            return false;
        }

        var rest = token[(first + 1)..];
        var second = rest.IndexOf('.');
        var payload = second < 0 ? rest : rest[..second];
        var base64 = new char[payload.Length + 3];
        payload.CopyTo(base64);
        var length = payload.Length;
        for (var i = 0; i < length; i++)
        {
            base64[i] = base64[i] switch { '-' => '+', '_' => '/', var c => c };
        }

        while (length % 4 != 0)
        {
            base64[length++] = '=';
        }

        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (!Convert.TryFromBase64Chars(base64.AsSpan(0, length), bytes, out var written))
            {
                return false;
            }

            long? iat = null, exp = null;
            var reader = new Utf8JsonReader(bytes.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isIat = reader.ValueTextEquals("iat"u8);
                var isExp = reader.ValueTextEquals("exp"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds))
                {
                    if (isIat)
                    {
                        iat = seconds;
                    }
                    else if (isExp)
                    {
                        exp = seconds;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            if (exp is null)
            {
                return false;
            }

            expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp.Value);
            issuedAt = iat is null ? expiresAt.AddHours(-1) : DateTimeOffset.FromUnixTimeSeconds(iat.Value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    // Other kuzzle:notification:server messages (this server's TokenExpiringSoon) need nothing: the refresh timer, set from
    // the token's own lifetime, fires before the expiry anyway, and reacting to the notice would loop on short-lived tokens.
    private static void OnServerNotice(JsonElement notice) => _ = notice;
}
