using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;

namespace Kuzzle.Realtime.Strategies.Ldap;

/// <summary>
/// The directory calls of a login: find the account with the search account, then bind as it with the given password.
/// System.DirectoryServices.Protocols blocks a thread per call (libldap), so calls run on the thread pool behind a gate of
/// <see cref="LdapOptions.MaxConcurrency"/>, and each is abandoned after <see cref="LdapOptions.Timeout"/>: a slow or dead
/// directory costs its own logins a clear error and never holds other requests.
/// </summary>
internal sealed class DirectoryClient(string strategy, LdapOptions options) : IDisposable
{
    private const int InvalidCredentials = 49;
    private const int ServerDown = 81;
    private const int TimeoutCode = 85;
    private const int ConnectError = 91;

    private int Port => options.Url.IsDefaultPort || options.Url.Port <= 0 ? (options.Url.Scheme == "ldaps" ? 636 : 389) : options.Url.Port;

    private readonly SemaphoreSlim _gate = new(options.MaxConcurrency, options.MaxConcurrency);

    /// <summary>The account named <paramref name="username"/>: null when none or several match.</summary>
    public Task<DirectoryAccount?> FindAsync(string username, IReadOnlyList<string> attributes, CancellationToken cancellationToken) =>
        RunAsync(() =>
        {
            using var connection = Connect(options.BindDn, options.BindCredentials);
            var filter = options.SearchFilter.Replace("{{username}}", EscapeFilterValue(username), StringComparison.Ordinal);
            var entries = Search(connection, options.SearchBase, filter, [.. attributes]);
            if (entries is not { Count: 1 })
            {
                return null;
            }

            var entry = entries[0];
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in attributes)
            {
                if (entry.Attributes[name] is { Count: > 0 } attribute && attribute[0] is string value)
                {
                    values[name] = value;
                }
            }

            var groups = new List<string>();
            if (options.GroupSearchBase is { } groupBase)
            {
                var groupFilter = options.GroupSearchFilter.Replace("{{dn}}", EscapeFilterValue(entry.DistinguishedName), StringComparison.Ordinal);
                groups.AddRange((Search(connection, groupBase, groupFilter, ["cn"], sizeLimit: 500) ?? []).Select(g => g.DistinguishedName));
            }

            return new DirectoryAccount(entry.DistinguishedName, values, groups);
        }, cancellationToken);

    /// <summary>Whether <paramref name="password"/> binds as <paramref name="dn"/>.</summary>
    public Task<bool> CheckPasswordAsync(string dn, string password, CancellationToken cancellationToken) =>
        RunAsync(() =>
        {
            try
            {
                using var connection = Connect(dn, password);
                return true;
            }
            catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
            {
                return false;
            }
        }, cancellationToken);

    public void Dispose() => _gate.Dispose();

    /// <summary>RFC 4515 §3: a value inside a filter escapes <c>\ * ( )</c> and NUL (and non-ASCII bytes, for safety).</summary>
    internal static string EscapeFilterValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (byte)'\\' or (byte)'*' or (byte)'(' or (byte)')' or 0 or >= 0x80)
            {
                builder.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    private LdapConnection Connect(string? dn, string? password)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(options.Url.Host, Port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            Timeout = options.Timeout,
            AuthType = dn is null ? AuthType.Anonymous : AuthType.Basic,
        };
        try
        {
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
            if (options.UsesTls)
            {
                StartTls(connection);
            }

            if (dn is null)
            {
                connection.Bind();
            }
            else
            {
                connection.Bind(new NetworkCredential(dn, password));
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // libldap verifies the certificate (chain and host name; TLS_REQCERT demand by default) and there is deliberately no
    // option to skip it. The trust directory must be set before the handle's own TLS context is created (NEWCTX), so
    // each connection gets this strategy's trust without touching libldap's process-wide defaults.
    private void StartTls(LdapConnection connection)
    {
        var session = connection.SessionOptions;
        if (!OperatingSystem.IsWindows())
        {
            if (options.TlsCaDirectory is { } caDirectory)
            {
                session.TrustedCertificatesDirectory = caDirectory;
            }

            session.StartNewTlsSessionContext();
        }

        if (options.Url.Scheme == "ldaps")
        {
            session.SecureSocketLayer = true;
            return;
        }

        // System.DirectoryServices.Protocols (10.0) on Linux gives the handle its URI only when it first talks to the
        // server, so StartTLS on a fresh connection targets nothing: read the root DSE first (public, carries no secret,
        // and needs no bind), then upgrade. A failed upgrade throws: nothing is ever sent in clear after this point.
        connection.AutoBind = false;
        connection.SendRequest(new SearchRequest(string.Empty, "(objectClass=*)", SearchScope.Base, "supportedExtension"), options.Timeout);
        try
        {
            session.StartTransportLayerSecurity(null);
        }
        catch (DirectoryException ex)
        {
            throw new DirectoryTlsException(ex);
        }
    }

    private List<SearchResultEntry>? Search(LdapConnection connection, string searchBase, string filter, string[] attributes, int sizeLimit = 2)
    {
        var request = new SearchRequest(searchBase, filter, SearchScope.Subtree, attributes) { SizeLimit = sizeLimit, TimeLimit = options.Timeout };
        try
        {
            var response = (SearchResponse)connection.SendRequest(request, options.Timeout);
            return [.. response.Entries.Cast<SearchResultEntry>()];
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.SizeLimitExceeded or ResultCode.NoSuchObject)
        {
            // Ambiguous user filter, or a search base that does not exist: no single account.
            return null;
        }
    }

    private async Task<T> RunAsync<T>(Func<T> call, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(options.Timeout, cancellationToken))
        {
            throw new StrategyException(503, $"The directory of strategy \"{strategy}\" is saturated: too many logins in progress.");
        }

        var work = Task.Run(call, CancellationToken.None);
        _ = work.ContinueWith(_ => _gate.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            // The margin lets libldap report its own timeout first; past it the call is abandoned (its thread returns later).
            return await work.WaitAsync(options.Timeout + TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw TimedOut();
        }
        catch (DirectoryTlsException)
        {
            throw TlsRefused();
        }
        catch (LdapException ex) when (ex.ErrorCode is ServerDown or ConnectError)
        {
            // libldap reports a failed ldaps:// handshake as "server down": a port that accepts TCP tells the two apart.
            if (options.Url.Scheme == "ldaps" && await AcceptsTcpAsync(cancellationToken))
            {
                throw TlsRefused();
            }

            throw new StrategyException(503, $"The directory of strategy \"{strategy}\" is unreachable.");
        }
        catch (LdapException ex) when (ex.ErrorCode == TimeoutCode)
        {
            throw TimedOut();
        }
        catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
        {
            throw new StrategyException(503, $"The directory of strategy \"{strategy}\" refused the search account (check bindDN/bindCredentials).");
        }
        catch (DirectoryException ex)
        {
            throw new StrategyException(503, $"The directory of strategy \"{strategy}\" failed: {ex.GetType().Name}.");
        }
    }

    private StrategyException TlsRefused() =>
        new(503, $"The directory of strategy \"{strategy}\" failed the TLS handshake: its certificate is not issued by a trusted CA "
            + $"(see tlsCaDirectory) or does not name the host \"{options.Url.Host}\".");

    private async Task<bool> AcceptsTcpAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(options.Url.Host, Port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private StrategyException TimedOut() =>
        new(504, $"The directory of strategy \"{strategy}\" did not answer within {options.Timeout.TotalSeconds:0.#} s.");
}

/// <summary>StartTLS was refused or its handshake failed (untrusted certificate, host name mismatch).</summary>
internal sealed class DirectoryTlsException(DirectoryException inner) : Exception("StartTLS failed.", inner);

/// <summary>A directory account found by the user search.</summary>
/// <param name="Dn">Its distinguished name.</param>
/// <param name="Attributes">The requested attributes it has (first value each).</param>
/// <param name="Groups">DNs of the groups it belongs to (when a group search is configured).</param>
internal sealed record DirectoryAccount(string Dn, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Groups);
