// The bridges we ship (identity, payments, document signing) run here as application services that talk to the
// homeserver only over HTTP. None is built yet: they arrive with their own issues, after the Application Service
// API. Until then this executable says so and exits, rather than pretending to serve.
Console.Error.WriteLine("Messenger bridges: no bridge is available in this build yet (see the project's issues).");
return 2;
