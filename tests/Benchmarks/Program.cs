using BenchmarkDotNet.Running;

// Every benchmark class of this assembly is offered; pick with --filter, e.g. --filter '*Signing*' --job short.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
