using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LossConformance.Kit.External;

/// <summary>One raw array of a frame: its name, element type and little-endian bytes (spec/protocol.md, "Frames").</summary>
public sealed record FrameArray(string Name, string Type, byte[] Bytes)
{
    public int Count => Bytes.Length / Frame.SizeOf(Type);

    public static FrameArray Of<TElement>(string name, ReadOnlySpan<TElement> values) where TElement : unmanaged =>
        new(name, Frame.TypeName<TElement>(), MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The values, read as <typeparamref name="TElement"/> (this machine is little-endian, as the protocol is).</summary>
    public ReadOnlySpan<TElement> As<TElement>() where TElement : unmanaged =>
        Frame.TypeName<TElement>() == Type ? MemoryMarshal.Cast<byte, TElement>(Bytes)
            : throw new InvalidDataException($"array '{Name}' is {Type}, expected {Frame.TypeName<TElement>()}");
}

/// <summary>
/// A protocol frame: the magic "LCP1", a uint32 little-endian header length, a UTF-8 JSON header,
/// then the raw bytes of the arrays the header's "arrays" list names, in that order.
/// </summary>
public sealed class Frame(JsonObject header, IReadOnlyList<FrameArray> arrays)
{
    public static ReadOnlySpan<byte> Magic => "LCP1"u8;

    /// <summary>Headers larger than this are taken for garbage rather than allocated.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    public JsonObject Header { get; } = header;
    public IReadOnlyList<FrameArray> Arrays { get; } = arrays;

    public FrameArray? Array(string name) => Arrays.FirstOrDefault(a => a.Name == name);

    public static string TypeName<TElement>() =>
        typeof(TElement) == typeof(float) ? "float32" : typeof(TElement) == typeof(double) ? "float64"
        : typeof(TElement) == typeof(int) ? "int32" : throw new NotSupportedException($"no protocol type for {typeof(TElement).Name}");

    public static int SizeOf(string type) => type switch
    {
        "float32" or "int32" => 4,
        "float64" => 8,
        _ => throw new InvalidDataException($"unknown array type '{type}' (float32, float64 or int32)"),
    };

    public void WriteTo(Stream stream)
    {
        var list = new JsonArray();
        foreach (var a in Arrays) list.Add(new JsonObject { ["name"] = a.Name, ["type"] = a.Type, ["count"] = a.Count });
        Header["arrays"] = list;
        byte[] json = Encoding.UTF8.GetBytes(Header.ToJsonString());
        Span<byte> prefix = stackalloc byte[8];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[4..], (uint)json.Length);
        stream.Write(prefix);
        stream.Write(json);
        foreach (var a in Arrays) stream.Write(a.Bytes);
        stream.Flush();
    }

    /// <summary>
    /// Reads one frame. Returns null at a clean end of stream before any byte. Bytes that do not start
    /// with the magic (a stray print) throw <see cref="StrayOutputException"/> carrying what was read.
    /// </summary>
    public static Frame? ReadFrom(Stream stream)
    {
        var prefix = new byte[8];
        int got = ReadAtMost(stream, prefix);
        if (got == 0) return null;
        if (got < 4 || !prefix.AsSpan(0, 4).SequenceEqual(Magic))
            throw new StrayOutputException(prefix[..got]);
        if (got < 8) throw new EndOfStreamException("the stream ended inside a frame's length prefix");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(4));
        if (length > MaxHeaderBytes) throw new InvalidDataException($"frame header of {length} bytes (more than {MaxHeaderBytes})");
        var json = new byte[length];
        ReadExactly(stream, json, "header");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("frame header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"frame header is not JSON ({e.Message}): {Encoding.UTF8.GetString(json[..Math.Min(json.Length, 200)])}");
        }
        var arrays = new List<FrameArray>();
        if (header["arrays"] is JsonArray list)
            foreach (var node in list)
            {
                string name = (string?)node?["name"] ?? throw new InvalidDataException("an array without a name");
                string type = (string?)node?["type"] ?? throw new InvalidDataException($"array '{name}' without a type");
                long count = (long?)node?["count"] ?? throw new InvalidDataException($"array '{name}' without a count");
                long bytes = count * SizeOf(type);
                if (count < 0 || bytes > int.MaxValue) throw new InvalidDataException($"array '{name}' of {count} elements");
                var data = new byte[bytes];
                ReadExactly(stream, data, $"array '{name}'");
                arrays.Add(new FrameArray(name, type, data));
            }
        return new Frame(header, arrays);
    }

    private static int ReadAtMost(Stream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
            // A stray line is usually shorter than a prefix: stop at the first byte that is not the magic.
            if (total >= 1 && !buffer.AsSpan(0, Math.Min(total, 4)).SequenceEqual(Magic[..Math.Min(total, 4)])) break;
        }
        return total;
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) throw new EndOfStreamException($"the stream ended inside the {what} ({total} of {buffer.Length} bytes)");
            total += n;
        }
    }
}

/// <summary>Bytes on the implementation's stdout that are not a frame: a stray print, or a program that is not a protocol server.</summary>
public sealed class StrayOutputException(byte[] start) : IOException("output that is not a protocol frame")
{
    public byte[] Start { get; } = start;
}
