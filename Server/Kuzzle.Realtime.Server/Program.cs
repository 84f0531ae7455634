using Kuzzle.Realtime.Server.Hosting;

return await ServerHost.RunAsync(args);
