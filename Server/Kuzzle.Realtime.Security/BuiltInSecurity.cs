using System.Collections.Frozen;
using System.Text.Json;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// Built-in roles, profiles and the anonymous user (security.md §2). Document texts are what the server persists;
/// the models are parsed from the same texts.
/// </summary>
public static class BuiltInSecurity
{
    public const string AdminId = "admin";
    public const string DefaultId = "default";
    public const string AnonymousId = "anonymous";

    /// <summary>kuid of the anonymous user, who runs every unauthenticated request (including auth:login).</summary>
    public const string AnonymousKuid = "-1";

    private const string AllowAll = """{"controllers":{"*":{"actions":{"*":true}}}}""";

    /// <summary>The ids of the roles and profiles that can never be deleted.</summary>
    public static IReadOnlySet<string> ProtectedIds { get; } =
        new[] { AdminId, DefaultId, AnonymousId }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>§2.1 — first boot: every role allows everything.</summary>
    public static IReadOnlyDictionary<string, string> BootstrapRoleDocuments { get; } = Documents(
        (AdminId, AllowAll), (DefaultId, AllowAll), (AnonymousId, AllowAll));

    /// <summary>§2.1 — first boot profiles (<c>default</c>/<c>anonymous</c> have no stored rateLimit: it reads as 0).</summary>
    public static IReadOnlyDictionary<string, string> BootstrapProfileDocuments { get; } = Documents(
        (AdminId, """{"policies":[{"roleId":"admin"}],"rateLimit":0}"""),
        (DefaultId, """{"policies":[{"roleId":"default"}]}"""),
        (AnonymousId, """{"policies":[{"roleId":"anonymous"}]}"""));

    /// <summary>§2.2 — after createFirstAdmin(reset=true) or restrictDefaultRights (written roles first).</summary>
    public static IReadOnlyDictionary<string, string> RestrictedRoleDocuments { get; } = Documents(
        (AdminId, AllowAll),
        (DefaultId, """
            {"controllers":{
              "auth":{"actions":{"checkToken":true,"getCurrentUser":true,"getMyRights":true,"logout":true,"updateSelf":true}},
              "server":{"actions":{"publicApi":true}}}}
            """),
        (AnonymousId, """
            {"controllers":{
              "auth":{"actions":{"checkToken":true,"getCurrentUser":true,"getMyRights":true,"login":true}},
              "server":{"actions":{"publicApi":true,"openapi":true}}}}
            """));

    /// <summary>§2.2 — restricted profiles.</summary>
    public static IReadOnlyDictionary<string, string> RestrictedProfileDocuments { get; } = Documents(
        (AdminId, """{"rateLimit":0,"policies":[{"roleId":"admin"}]}"""),
        (DefaultId, """{"rateLimit":10,"policies":[{"roleId":"default"}]}"""),
        (AnonymousId, """{"rateLimit":200,"policies":[{"roleId":"anonymous"}]}"""));

    public static IReadOnlyList<Role> BootstrapRoles { get; } = Roles(BootstrapRoleDocuments);

    public static IReadOnlyList<Profile> BootstrapProfiles { get; } = Profiles(BootstrapProfileDocuments);

    public static IReadOnlyList<Role> RestrictedRoles { get; } = Roles(RestrictedRoleDocuments);

    public static IReadOnlyList<Profile> RestrictedProfiles { get; } = Profiles(RestrictedProfileDocuments);

    /// <summary>The in-memory anonymous user: kuid <c>-1</c>, <c>{"profileIds":["anonymous"],"name":"Anonymous"}</c>.</summary>
    public static User AnonymousUser { get; } = new(
        AnonymousKuid,
        [AnonymousId],
        JsonElementOf("""{"profileIds":["anonymous"],"name":"Anonymous"}"""));

    /// <summary>Whether <paramref name="userId"/> names the anonymous user (<c>getUser</c> accepts both ids).</summary>
    public static bool IsAnonymousUserId(string userId) => userId is AnonymousKuid or AnonymousId;

    private static FrozenDictionary<string, string> Documents(params (string Id, string Json)[] documents) =>
        documents.ToFrozenDictionary(d => d.Id, d => d.Json, StringComparer.Ordinal);

    // Kept in admin, default, anonymous order (the order Kuzzle writes them).
    private static Role[] Roles(IReadOnlyDictionary<string, string> documents) =>
        [.. new[] { AdminId, DefaultId, AnonymousId }.Select(id => Role.Parse(id, JsonElementOf(documents[id])))];

    private static Profile[] Profiles(IReadOnlyDictionary<string, string> documents) =>
        [.. new[] { AdminId, DefaultId, AnonymousId }.Select(id => Profile.Parse(id, JsonElementOf(documents[id])))];

    private static JsonElement JsonElementOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
