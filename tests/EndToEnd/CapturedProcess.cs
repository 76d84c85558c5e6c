using System.Diagnostics;
using System.Text;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// A child process whose standard output and error are collected line by line, so a failing
/// test can show what the homeserver or node printed. Disposing kills the whole process tree:
/// no test leaves a server or a node run behind.
/// </summary>
internal sealed class CapturedProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private CapturedProcess(Process process) => this.process = process;

    /// <summary>Everything printed so far, stdout and stderr interleaved in arrival order.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Starts <paramref name="info"/> with redirected output and no standard input.</summary>
    public static CapturedProcess Start(ProcessStartInfo info)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        var process = new Process { StartInfo = info };
        var captured = new CapturedProcess(process);
        process.OutputDataReceived += (_, e) => captured.Append(e.Data);
        process.ErrorDataReceived += (_, e) => captured.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {info.FileName}");
        }

        // CI runs with no stdin; a child that waits for input must see end-of-file, not hang.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return captured;
    }

    /// <summary>Runs <paramref name="info"/> to completion; kills it and throws when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        ProcessStartInfo info, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var run = Start(info);
        if (!await run.WaitForExitAsync(timeout, cancellationToken))
        {
            run.Kill();
            throw new TimeoutException(
                $"{info.FileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}:\n{run.Output}");
        }

        return (run.ExitCode, run.Output);
    }

    /// <summary>Waits for the exit and for the last output line; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
