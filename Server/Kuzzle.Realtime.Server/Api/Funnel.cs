using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Server.Security;
using Microsoft.Extensions.Logging;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>
/// The one pipeline every protocol uses (protocol.md §7, which decides which error wins):
/// arguments → origin → shutdown → concurrency gate → authenticate → rights → rate limit → controller lookup → SDK gate → action.
/// </summary>
public sealed partial class Funnel
{
    private readonly ControllerTable _controllers;
    private readonly RequestGate _gate;
    private readonly IAuthenticator _authenticator;
    private readonly IRightsPolicy _rights;
    private readonly UserRateLimiter _rateLimiter;
    private readonly OriginPolicy _origins;
    private readonly ApiMetrics _metrics;
    private readonly ILogger<Funnel> _logger;
    private readonly bool _strictSdkVersion;
    private volatile bool _shuttingDown;

    /// <summary>Creates the funnel.</summary>
    public Funnel(
        ControllerTable controllers,
        RequestGate gate,
        IAuthenticator authenticator,
        IRightsPolicy rights,
        UserRateLimiter rateLimiter,
        OriginPolicy origins,
        ApiMetrics metrics,
        EffectiveSettings settings,
        ILogger<Funnel> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _controllers = controllers;
        _gate = gate;
        _authenticator = authenticator;
        _rights = rights;
        _rateLimiter = rateLimiter;
        _origins = origins;
        _metrics = metrics;
        _logger = logger;
        _strictSdkVersion = settings.Options.Server.StrictSdkVersion;
    }

    /// <summary>True once the node started stopping: new requests get 503.</summary>
    public bool IsShuttingDown => _shuttingDown;

    /// <summary>Refuses new requests from now on.</summary>
    public void BeginShutdown() => _shuttingDown = true;

    /// <summary>Runs one request to its response. Never throws: every failure becomes an error response.</summary>
    public async ValueTask<ApiResponse> ExecuteAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input;
        var counters = _metrics.For(context.Connection.Protocol);
        counters.RequestStarted();
        ApiResponse response;
        try
        {
            response = await RunAsync(context, cancellationToken);
        }
        catch (KuzzleException ex)
        {
            response = ApiResponse.FromError(ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            response = ApiResponse.FromError(KuzzleErrors.Api.Process.ConnectionDropped.Create());
        }
        catch (Exception ex)
        {
            // Outside an action (stages, gate): Kuzzle reports an InternalError with the original message.
            LogUnexpected(_logger, ex, input.Controller, input.Action);
            response = ApiResponse.FromError(KuzzleException.AdHoc(500, ex.Message));
        }

        var failed = response.Error is not null;
        counters.RequestEnded(failed);
        if (failed)
        {
            _metrics.CountError(response.Error!.Definition?.Id ?? response.Error.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (input.Controller is { } c && input.Action is { } a && _controllers.HasAction(c, a))
        {
            _metrics.CountAction(c, a, failed);
        }

        return response;
    }

    private async ValueTask<ApiResponse> RunAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        if (string.IsNullOrEmpty(input.Controller))
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create("controller");
        }

        if (string.IsNullOrEmpty(input.Action))
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create("action");
        }

        if (input.HasArg("targets") && (input.HasArg("index") || input.HasArg("collection")))
        {
            throw KuzzleErrors.Api.Assert.MutuallyExclusive.Create("targets", "index/collection");
        }

        if (!_origins.IsAllowed(context.Connection.Origin))
        {
            throw KuzzleErrors.Api.Process.UnauthorizedOrigin.Create(context.Connection.Origin);
        }

        if (_shuttingDown)
        {
            throw KuzzleErrors.Api.Process.ShuttingDown.Create();
        }

        if (!context.Connection.IsAlive)
        {
            throw KuzzleErrors.Api.Process.ConnectionDropped.Create();
        }

        await _gate.EnterAsync(cancellationToken);
        try
        {
            context.User = await _authenticator.AuthenticateAsync(context, cancellationToken);
            if (!await _rights.IsAllowedAsync(context, cancellationToken))
            {
                throw context.User.IsAnonymous
                    ? KuzzleErrors.Security.Rights.Unauthorized.Create(input.Controller, input.Action, context.User.Kuid)
                    : KuzzleErrors.Security.Rights.Forbidden.Create(input.Controller, input.Action, context.User.Kuid);
            }

            var isOwnLogout = input.Controller == "auth" && input.Action == "logout" && !context.User.IsAnonymous;
            if (!isOwnLogout && !(input.Controller == "auth" && input.Action == "login"))
            {
                var limit = await _rights.GetRateLimitAsync(context.User, cancellationToken);
                if (!_rateLimiter.TryAcquire(context.User.Kuid, limit))
                {
                    throw KuzzleErrors.Api.Process.TooManyRequests.Create();
                }
            }

            if (!_controllers.TryGet(input.Controller, input.Action, out var action))
            {
                throw _controllers.HasController(input.Controller)
                    ? KuzzleErrors.Api.Process.ActionNotFound.Create(input.Controller, input.Action)
                    : KuzzleErrors.Api.Process.ControllerNotFound.Create(input.Controller);
            }

            if (_strictSdkVersion)
            {
                SdkVersionGate.Check(input.Volatile);
            }

            return await InvokeAsync(action, context, cancellationToken);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async ValueTask<ApiResponse> InvokeAsync(ApiAction action, RequestContext context, CancellationToken cancellationToken)
    {
        try
        {
            var result = await action(context, cancellationToken);
            return new ApiResponse(context.Status ?? 200, result, null);
        }
        catch (KuzzleException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogUnexpected(_logger, ex, context.Input.Controller, context.Input.Action);
            throw KuzzleException.FromUnexpected(ex);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Unexpected error while executing {Controller}:{Action}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string? controller, string? action);
}
