namespace Messenger.Homeserver.Tests.Media;

/// <summary>Images SkiaSharp cannot write for us: an animated GIF, and a JPEG carrying an EXIF orientation.</summary>
public static class TestImages
{
    /// <summary>
    /// A GIF89a of solid frames, one colour each (at most 4). The LZW stream restarts with a clear code every two
    /// pixels so that every code stays 3 bits wide (minimum code size 2): valid, simple, and not small.
    /// </summary>
    public static byte[] AnimatedGif(int width, int height, params (byte R, byte G, byte B)[] frameColors)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        AddShort(gif, width);
        AddShort(gif, height);
        gif.AddRange([0xF1, 0, 0]); // global colour table of 4 entries
        for (var i = 0; i < 4; i++)
        {
            var (r, g, b) = i < frameColors.Length ? frameColors[i] : ((byte)0, (byte)0, (byte)0);
            gif.AddRange([r, g, b]);
        }
        for (var frame = 0; frame < frameColors.Length; frame++)
        {
            gif.AddRange([0x21, 0xF9, 0x04, 0x00, 10, 0, 0, 0x00]); // graphic control: 100 ms
            gif.Add(0x2C);
            AddShort(gif, 0);
            AddShort(gif, 0);
            AddShort(gif, width);
            AddShort(gif, height);
            gif.Add(0);
            gif.Add(2); // LZW minimum code size
            var codes = new List<int>();
            for (var pixel = 0; pixel < width * height; pixel++)
            {
                if (pixel % 2 == 0) codes.Add(4); // clear
                codes.Add(frame);
            }
            codes.Add(5); // end of information
            var data = Pack3BitCodes(codes);
            for (var at = 0; at < data.Count; at += 255)
            {
                var block = data.Skip(at).Take(255).ToArray();
                gif.Add((byte)block.Length);
                gif.AddRange(block);
            }
            gif.Add(0);
        }
        gif.Add(0x3B);
        return gif.ToArray();
    }

    /// <summary>The JPEG with an EXIF APP1 segment saying how it is to be turned (TIFF orientation 1–8) put right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] exif =
        [
            0xFF, 0xE1, 0, 34, // APP1, length 34
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0, // Orientation, SHORT, 1
            0, 0, 0, 0, // no next IFD
        ];
        return [.. jpeg[..2], .. exif, .. jpeg[2..]];
    }

    private static void AddShort(List<byte> bytes, int value)
    {
        bytes.Add((byte)value);
        bytes.Add((byte)(value >> 8));
    }

    private static List<byte> Pack3BitCodes(List<int> codes)
    {
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) bytes.Add((byte)buffer);
        return bytes;
    }
}
