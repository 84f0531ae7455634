namespace Kuzzle.Realtime.Security;

/// <summary>The Kuzzle error ids this library raises (see the errors catalogue); the server owns codes and messages.</summary>
public static class SecurityErrorIds
{
    public const string InvalidType = "api.assert.invalid_type";
    public const string InvalidArgument = "api.assert.invalid_argument";
    public const string MissingArgument = "api.assert.missing_argument";
    public const string EmptyArgument = "api.assert.empty_argument";
    public const string UnexpectedArgument = "api.assert.unexpected_argument";
    public const string BodyRequired = "api.assert.body_required";

    public const string RightsUnauthorized = "security.rights.unauthorized";
    public const string RightsForbidden = "security.rights.forbidden";

    public const string RoleNotFound = "security.role.not_found";
    public const string RoleLoginRequired = "security.role.login_required";
    public const string RoleUnknownController = "security.role.unknown_controller";
    public const string RoleUnknownAction = "security.role.unknown_action";

    public const string ProfileNotFound = "security.profile.not_found";
    public const string ProfileCannotHydrate = "security.profile.cannot_hydrate";
    public const string ProfileMissingAnonymousRole = "security.profile.missing_anonymous_role";

    public const string UserNoProfile = "security.user.no_profile";
    public const string UserAnonymousProfileRequired = "security.user.anonymous_profile_required";

    public const string UnexpectedError = "core.fatal.unexpected_error";
}
