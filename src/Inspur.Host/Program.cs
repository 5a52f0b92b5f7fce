using Inspur.Host;

var app = InspurHost.Create(args);
await app.RunAsync();
