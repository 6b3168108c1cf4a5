using Prospector.Cli;

return await ProspectorCli.Build().Parse(args).InvokeAsync();

/// <summary>The entry point, public so tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
