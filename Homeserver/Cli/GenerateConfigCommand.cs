using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Keys;

namespace Messenger.Homeserver.Cli;

/// <summary>
/// <c>generate-config</c>: writes a fresh config from the documented template (the repository's homeserver.yaml,
/// embedded in the executable), with the server name filled in, registration closed, a random shared secret,
/// and a new signing key next to it. Refuses to overwrite an existing file.
/// </summary>
public static partial class GenerateConfigCommand
{
    public static int Run(CommandArguments args)
    {
        var serverName = args.Require("--server-name");
        var output = Path.GetFullPath(args.Require("--output"));
        if (File.Exists(output)) throw new ArgumentException($"{output} exists; not overwriting it");

        var keyFile = serverName.Replace(':', '_') + ".signing.key";
        var host = serverName.Contains(':') && !serverName.EndsWith(']') ? serverName[..serverName.LastIndexOf(':')] : serverName;
        var text = ReadTemplate();
        text = SetTopLevel(text, "server_name", serverName);
        text = SetTopLevel(text, "public_baseurl", $"https://{host}/");
        text = SetTopLevel(text, "signing_key_path", keyFile);
        text = SetTopLevel(text, "media_store_path", "media");
        text = SetNested(text, "sqlite_path", "homeserver.db");
        text = SetNested(text, "enable_registration", "false");
        text = SetNested(text, "registration_shared_secret", '"' + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + '"');

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, text);
        var keyPath = Path.Combine(Path.GetDirectoryName(output)!, keyFile);
        if (!File.Exists(keyPath))
        {
            using var key = ServerSigningKey.Generate();
            SigningKeyFile.Write(keyPath, key);
        }

        // The file we wrote must load: fail now, not at the operator's first start.
        ConfigLoader.Load(output);
        Console.WriteLine($"Wrote {output} and {keyPath}. Review it, then start with --config {output}");
        return 0;
    }

    private static string ReadTemplate()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("homeserver.yaml")
            ?? throw new InvalidOperationException("the config template is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string SetTopLevel(string text, string key, string value) =>
        Regex.Replace(text, $"^{key}:.*$", $"{key}: {value}", RegexOptions.Multiline);

    private static string SetNested(string text, string key, string value) =>
        Regex.Replace(text, $"^(\\s+){key}:.*$", m => $"{m.Groups[1].Value}{key}: {value}", RegexOptions.Multiline);
}
