using System.Buffers;
using System.Security.Cryptography;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Media;

/// <summary>
/// The media store on disk under <c>media_store_path</c>. Content is named by its SHA-256
/// (<c>content/ab/cd/abcd…</c>), so the same bytes uploaded twice are stored once and a file never changes once
/// written. Uploads stream to <c>tmp/</c> while being hashed and counted, and are moved into place only when complete
/// and within the size limit: a failed or oversized upload leaves nothing behind. Thumbnails are cached beside it
/// under deterministic names (<c>thumbnails/ab/cd/abcd…/96x96-crop.png</c>), also per content.
/// </summary>
public sealed class MediaFiles(HomeserverConfig config)
{
    private readonly string root = config.MediaStorePath!;

    /// <summary>The file of the content with this hex SHA-256.</summary>
    public string ContentPath(string sha256) => Path.Combine(root, "content", sha256[..2], sha256[2..4], sha256);

    /// <summary>The cache file of one thumbnail of the content with this hex SHA-256.</summary>
    public string ThumbnailPath(string sha256, string name) => Path.Combine(root, "thumbnails", sha256[..2], sha256[2..4], sha256, name);

    /// <summary>
    /// Stores a request body of at most <paramref name="maxSize"/> bytes and returns its hash and size.
    /// <c>M_TOO_LARGE</c> ("Security considerations": servers should not store files that are too large) when the
    /// declared or the actual length is over the limit.
    /// </summary>
    public async Task<(string Sha256, long Size)> SaveAsync(Stream body, long? declaredLength, long maxSize, CancellationToken ct)
    {
        if (declaredLength > maxSize) throw TooLarge(maxSize);
        var tmp = NewTempPath();
        try
        {
            string sha256;
            long size = 0;
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
                {
                    int read;
                    while ((read = await body.ReadAsync(buffer, ct)) > 0)
                    {
                        size += read;
                        if (size > maxSize) throw TooLarge(maxSize);
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                    await file.FlushAsync(ct);
                }
                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            MoveIntoPlace(tmp, ContentPath(sha256));
            return (sha256, size);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>Writes a generated thumbnail to its cache path; a concurrent writer of the same thumbnail writes the same bytes.</summary>
    public async Task SaveThumbnailAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var tmp = NewTempPath();
        try
        {
            await File.WriteAllBytesAsync(tmp, bytes, ct);
            MoveIntoPlace(tmp, path);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>
    /// Deletes the content with this hash and its cached thumbnails, unless <paramref name="isReferenced"/> says a row
    /// names it. The file is first renamed out of its place (atomically) and the references are asked again after:
    /// an upload of the same bytes that arrives meanwhile writes its own copy into the empty place, and one that had
    /// already found the file in place has its row seen by the second question, so the file goes back. Returns
    /// whether the content was deleted.
    /// </summary>
    public async Task<bool> DeleteUnreferencedAsync(string sha256, Func<CancellationToken, Task<bool>> isReferenced, CancellationToken ct)
    {
        var path = ContentPath(sha256);
        if (await isReferenced(ct)) return false;
        var doomed = NewTempPath();
        try
        {
            File.Move(path, doomed);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        bool keep;
        try
        {
            keep = await isReferenced(ct);
        }
        catch
        {
            MoveIntoPlace(doomed, path);
            File.Delete(doomed);
            throw;
        }
        if (keep)
        {
            MoveIntoPlace(doomed, path);
            File.Delete(doomed);
            return false;
        }
        File.Delete(doomed);
        var thumbnails = Path.GetDirectoryName(ThumbnailPath(sha256, "x"))!;
        try
        {
            Directory.Delete(thumbnails, recursive: true);
        }
        catch (IOException)
        {
            // Never thumbnailed, or a thumbnail being written right now: left for a later sweep.
        }
        return true;
    }

    private string NewTempPath()
    {
        var dir = Path.Combine(root, "tmp");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, Guid.NewGuid().ToString("N"));
    }

    /// <summary>Moves a finished file to its name unless the same content is already there (stored once).</summary>
    private static void MoveIntoPlace(string tmp, string target)
    {
        if (File.Exists(target)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(tmp, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Another upload of the same bytes won the race: its file is ours too.
        }
    }

    private static MatrixException TooLarge(long maxSize) => MatrixError.TooLarge($"Cannot upload files larger than {maxSize} bytes");
}
