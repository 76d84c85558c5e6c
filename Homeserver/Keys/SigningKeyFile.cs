using Messenger.Federation.Protocol.Keys;

namespace Messenger.Homeserver.Keys;

/// <summary>
/// The server's signing key file, in Synapse's format (<c>ed25519 &lt;version&gt; &lt;seed&gt;</c>, one key per line;
/// the first is the current key). A missing file is created with a fresh key on first start, readable only by us.
/// </summary>
public static class SigningKeyFile
{
    public static ServerSigningKey LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (File.Exists(path))
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
                ?? throw new InvalidDataException($"{path}: no key in the file");
            try
            {
                return ServerSigningKey.Parse(line);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }
        var key = ServerSigningKey.Generate();
        Write(path, key);
        created = true;
        return key;
    }

    public static void Write(string path, ServerSigningKey key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.WriteLine(key.Format());
    }
}
