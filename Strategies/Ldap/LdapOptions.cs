using System.Text.Json;

namespace Kuzzle.Realtime.Strategies.Ldap;

/// <summary>
/// Settings (passport-ldapauth's <c>server</c> keys, at the top level or under <c>server</c>): <c>url</c>
/// (<c>ldap://</c> or <c>ldaps://</c>), <c>bindDN</c> + <c>bindCredentials</c> (the search account; anonymous when absent),
/// <c>searchBase</c>, <c>searchFilter</c> (<c>{{username}}</c> is replaced by the escaped login name), <c>starttls</c>,
/// <c>tlsCaDirectory</c> (CA certificates trusted for this directory, besides the system's), <c>timeout</c>; groups: <c>groupSearchBase</c>, <c>groupSearchFilter</c>
/// (<c>{{dn}}</c> = the user's DN), <c>groupProfiles</c> (group DN or cn → profiles); users: <c>defaultProfiles</c>,
/// <c>autoCreate</c>, <c>persist</c> (LDAP attributes stored with the credentials), <c>maxConcurrency</c>.
/// </summary>
public sealed record LdapOptions
{
    /// <summary>The directory URL.</summary>
    public required Uri Url { get; init; }

    /// <summary>DN of the search account, or null for an anonymous search.</summary>
    public string? BindDn { get; init; }

    /// <summary>Password of the search account.</summary>
    public string? BindCredentials { get; init; }

    /// <summary>Where users are searched.</summary>
    public required string SearchBase { get; init; }

    /// <summary>The user search filter, with <c>{{username}}</c>.</summary>
    public string SearchFilter { get; init; } = "(uid={{username}})";

    /// <summary>Upgrade <c>ldap://</c> connections with StartTLS.</summary>
    public bool StartTls { get; init; }

    /// <summary>
    /// A directory of PEM CA certificates trusted for this directory's TLS certificate, on top of the system trust
    /// (<c>ldap.conf</c>); null trusts the system alone. The certificate is always verified, host name included.
    /// </summary>
    public string? TlsCaDirectory { get; init; }

    /// <summary>True when connections are encrypted (<c>ldaps://</c> or StartTLS).</summary>
    public bool UsesTls => Url.Scheme == "ldaps" || StartTls;

    /// <summary>Bound of each directory operation (connect, bind, search).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where groups are searched; null disables the group mapping.</summary>
    public string? GroupSearchBase { get; init; }

    /// <summary>The group search filter, with <c>{{dn}}</c>.</summary>
    public string GroupSearchFilter { get; init; } = "(member={{dn}})";

    /// <summary>Group DN or cn (case-insensitive) → profiles given to users created on first login.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GroupProfiles { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Profiles of users created on first login (used alone when no group maps to a profile).</summary>
    public IReadOnlyList<string> DefaultProfiles { get; init; } = ["default"];

    /// <summary>Create a user on the first login of an unknown directory account.</summary>
    public bool AutoCreate { get; init; } = true;

    /// <summary>LDAP attributes stored with the credentials.</summary>
    public IReadOnlyList<string> Persist { get; init; } = [];

    /// <summary>Directory operations in flight at once (each holds a thread while libldap blocks).</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Reads the configuration; errors name the key.</summary>
    /// <exception cref="StrategyConfigurationException">A setting is missing or invalid.</exception>
    public static LdapOptions Parse(string strategy, JsonElement configuration)
    {
        var root = new StrategyOptionReader(strategy, configuration);
        var server = root.Has("server") ? root.Nested("server") : root;
        var urlText = server.RequiredText("url");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("ldap" or "ldaps"))
        {
            throw server.Invalid("url", "an ldap:// or ldaps:// URL");
        }

        var filter = server.Text("searchFilter", "(uid={{username}})")!;
        if (!filter.Contains("{{username}}", StringComparison.Ordinal))
        {
            throw server.Invalid("searchFilter", "a filter containing {{username}}");
        }

        var startTls = server.Boolean("starttls", server.Boolean("startTls", false));
        if (startTls && url.Scheme == "ldaps")
        {
            throw server.Invalid("starttls", "false with an ldaps:// url (the connection is already encrypted)");
        }

        var caDirectory = server.Text("tlsCaDirectory");
        if (caDirectory is not null)
        {
            // A trust setting that would silently do nothing reads as protection that is not there: refuse it.
            if (url.Scheme != "ldaps" && !startTls)
            {
                throw server.Invalid("tlsCaDirectory", "used only with an ldaps:// url or starttls");
            }

            // Windows' LDAP client takes its trust from the certificate store only.
            if (OperatingSystem.IsWindows())
            {
                throw server.Invalid("tlsCaDirectory", "unset on Windows (trust the CA in the machine certificate store)");
            }

            if (!Directory.Exists(caDirectory))
            {
                throw server.Invalid("tlsCaDirectory", "an existing directory of PEM CA certificates");
            }

            caDirectory = Path.GetFullPath(caDirectory);
        }

        var maxConcurrency = server.Section.TryGetProperty("maxConcurrency", out var mc) && mc.TryGetInt32(out var n) ? n : 8;
        return new LdapOptions
        {
            Url = url,
            BindDn = server.Text("bindDN") ?? server.Text("bindDn"),
            BindCredentials = server.Text("bindCredentials"),
            SearchBase = server.RequiredText("searchBase"),
            SearchFilter = filter,
            StartTls = startTls,
            TlsCaDirectory = caDirectory,
            Timeout = server.Duration("timeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
            GroupSearchBase = server.Text("groupSearchBase"),
            GroupSearchFilter = server.Text("groupSearchFilter", "(member={{dn}})")!,
            GroupProfiles = root.StringListMap("groupProfiles"),
            DefaultProfiles = root.Strings("defaultProfiles", ["default"]),
            AutoCreate = root.Boolean("autoCreate", true),
            Persist = root.Strings("persist", []),
            MaxConcurrency = maxConcurrency is >= 1 and <= 256 ? maxConcurrency : throw server.Invalid("maxConcurrency", "between 1 and 256"),
        };
    }
}
