using Messenger.Homeserver.Cli;

return await CommandLine.RunAsync(args);

/// <summary>The entry point's type, visible to tests.</summary>
public partial class Program;
