using System.Buffers.Binary;
using System.Text;

namespace LossConformance.Optimized.Torch.Native;

/// <summary>
/// Reads and edits the symbol-version tables of a 64-bit little-endian ELF shared object: the
/// versions it needs from each library (<c>.gnu.version_r</c>, SHT_GNU_verneed) and the
/// versions a library defines (<c>.gnu.version_d</c>, SHT_GNU_verdef). Layouts are those of
/// &lt;elf.h&gt;: Elf64_Shdr, Elf64_Verneed/Vernaux, Elf64_Verdef/Verdaux.
/// </summary>
internal static class ElfVersionTables
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>vna_flags bit: a missing version is a warning, not a load failure (VER_FLG_WEAK).</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>One Vernaux entry: a version needed from a library, and where its flags are in the file.</summary>
    public sealed record NeededVersion(string Library, string Version, ushort Flags, long FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>Every version the object needs, library by library (empty when it has no .gnu.version_r).</summary>
    public static IReadOnlyList<NeededVersion> Needed(byte[] elf)
    {
        var result = new List<NeededVersion>();
        foreach (var (offset, count, strtab) in Sections(elf, ShtGnuVerneed))
        {
            long vn = offset;
            for (int i = 0; i < count; i++)
            {
                ushort cnt = U16(elf, vn + 2);
                string file = CString(elf, strtab + U32(elf, vn + 4));
                long vna = vn + U32(elf, vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    result.Add(new NeededVersion(file, CString(elf, strtab + U32(elf, vna + 8)), U16(elf, vna + 4), vna + 4));
                    vna += U32(elf, vna + 12);
                }
                uint next = U32(elf, vn + 12);
                if (next == 0) break;
                vn += next;
            }
        }
        return result;
    }

    /// <summary>Every version name the object defines (for libstdc++: GLIBCXX_3.4, …, CXXABI_1.3, …).</summary>
    public static IReadOnlySet<string> Defined(byte[] elf)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (offset, count, strtab) in Sections(elf, ShtGnuVerdef))
        {
            long vd = offset;
            for (int i = 0; i < count; i++)
            {
                ushort cnt = U16(elf, vd + 6);
                if (cnt > 0)   // the first Verdaux names the version itself; later ones its parents
                    result.Add(CString(elf, strtab + U32(elf, vd + U32(elf, vd + 12))));
                uint next = U32(elf, vd + 16);
                if (next == 0) break;
                vd += next;
            }
        }
        return result;
    }

    /// <summary>Sets VER_FLG_WEAK on the given needed versions, in place. Nothing else in the file changes.</summary>
    public static void MarkWeak(byte[] elf, IEnumerable<NeededVersion> versions)
    {
        foreach (var v in versions)
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(checked((int)v.FlagsOffset)), (ushort)(v.Flags | VerFlagWeak));
    }

    /// <summary>(file offset, entry count from sh_info, file offset of the linked string table) of each section of the type.</summary>
    private static IEnumerable<(long Offset, uint Count, long StringTable)> Sections(byte[] elf, uint type)
    {
        RequireElf64LittleEndian(elf);
        long shoff = (long)U64(elf, 0x28);
        ushort shentsize = U16(elf, 0x3a), shnum = U16(elf, 0x3c);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(elf, sh + 4) != type) continue;
            uint link = U32(elf, sh + 0x28);
            long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18);
            yield return ((long)U64(elf, sh + 0x18), U32(elf, sh + 0x2c), strtab);
        }
    }

    private static void RequireElf64LittleEndian(byte[] elf)
    {
        if (elf.Length < 0x40 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"ELF class {elf[4]}, data encoding {elf[5]}: only 64-bit little-endian objects are read");
    }

    private static ushort U16(byte[] b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(checked((int)at)));
    private static uint U32(byte[] b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(checked((int)at)));
    private static ulong U64(byte[] b, long at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(checked((int)at)));

    private static string CString(byte[] b, long at)
    {
        int start = checked((int)at), end = Array.IndexOf(b, (byte)0, start);
        return Encoding.ASCII.GetString(b, start, (end < 0 ? b.Length : end) - start);
    }
}
