// Why this file exists: TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++
// and lists the symbol version GLIBCXX_3.4.32 as required. Debian 12 and Ubuntu 22.04 ship GCC 12's
// libstdc++ (up to GLIBCXX_3.4.30), so the dynamic loader refuses the library and TorchSharp fails at
// the first tensor. The only symbol with that version is std::ios_base_library_init(), which GCC 13's
// <iostream> emits and no relocation uses. Marking that one version requirement VER_FLG_WEAK in
// .gnu.version_r turns the loader's hard error into nothing, so the library loads. The build applies
// this to the copy in the build or publish output only, never to the NuGet package cache, and only on
// hosts whose libstdc++ lacks the version. ScoreML.Core compiles this file too (SCOREML_RUNTIME_FIX, without the
// MSBuild task) and applies the same edit when it loads, for projects that reference its source project instead of the
// package and so never import the build step (src/ScoreML.Core/Runtime/TorchSharpLoadingFix.cs).
using System;
using System.IO;
using System.Text;
#if !SCOREML_RUNTIME_FIX
using Microsoft.Build.Framework;
#endif

namespace ScoreML.Build
{
#if !SCOREML_RUNTIME_FIX
    /// <summary>The MSBuild task: marks the requirement weak in each given file when the host needs it.</summary>
    public sealed class ScoreMLWeakenGlibcxxVersionNeed : Microsoft.Build.Utilities.Task
    {
        [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            if (GlibcxxVersionNeed.HostProvidesVersion()) return true;
            foreach (ITaskItem file in Files)
            {
                if (GlibcxxVersionNeed.MarkWeak(file.ItemSpec))
                    Log.LogMessage(MessageImportance.Normal, "ScoreML: marked " + GlibcxxVersionNeed.MissingVersion + " weak in " + file.ItemSpec);
            }
            return true;
        }
    }

#endif

    /// <summary>Reads and edits the version-needed table (.gnu.version_r) of a 64-bit little-endian ELF file.</summary>
#if SCOREML_RUNTIME_FIX
    internal
#else
    public
#endif
    static class GlibcxxVersionNeed
    {
        public const string MissingVersion = "GLIBCXX_3.4.32";
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlagWeak = 0x2;

        static readonly string[] LibStdCxxDirectories =
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        };

        /// <summary>True when a libstdc++.so.6 on this host defines <see cref="MissingVersion"/>, or when none is found.</summary>
        public static bool HostProvidesVersion()
        {
            byte[] needle = Encoding.ASCII.GetBytes(MissingVersion + "\0");
            bool anyFound = false;
            foreach (string dir in LibStdCxxDirectories)
            {
                string path = Path.Combine(dir, "libstdc++.so.6");
                if (!File.Exists(path)) continue;
                anyFound = true;
                if (IndexOf(File.ReadAllBytes(path), needle) >= 0) return true;
            }
            return !anyFound;
        }

        /// <summary>The file offset of the 16-bit flags of the requirement named <paramref name="version"/>, or -1.</summary>
        public static int FlagsOffset(byte[] elf, string version)
        {
            int offset = FindVernaux(elf, version);
            return offset < 0 ? -1 : offset + 4;
        }

        /// <summary>
        /// Marks the requirement <see cref="MissingVersion"/> weak in the file at <paramref name="path"/>.
        /// Writes a temporary file and renames it over the original, so a hard link into the package
        /// cache is replaced rather than edited. Returns true when the file was changed.
        /// </summary>
        public static bool MarkWeak(string path)
        {
            byte[] elf = File.ReadAllBytes(path);
            int offset = FlagsOffset(elf, MissingVersion);
            if (offset < 0) return false;
            ushort flags = BitConverter.ToUInt16(elf, offset);
            if ((flags & VerFlagWeak) != 0) return false;
            BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, offset);
            string temp = path + ".weak-glibcxx.tmp";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null);   // a rename: never writes through a link into the cache
            return true;
        }

        // Returns the file offset of the Elf64_Vernaux entry for `version`, or -1.
        static int FindVernaux(byte[] elf, string version)
        {
            bool isElf64Le = elf.Length > 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L'
                && elf[3] == (byte)'F' && elf[4] == 2 && elf[5] == 1;
            if (!isElf64Le) return -1;
            long sectionTable = BitConverter.ToInt64(elf, 0x28);
            int sectionSize = BitConverter.ToUInt16(elf, 0x3A);
            int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
            for (int i = 0; i < sectionCount; i++)
            {
                int header = checked((int)(sectionTable + (long)i * sectionSize));
                if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
                int verneed = checked((int)BitConverter.ToInt64(elf, header + 0x18));
                int stringSection = (int)BitConverter.ToUInt32(elf, header + 0x28);
                int entries = (int)BitConverter.ToUInt32(elf, header + 0x2C);
                int strings = checked((int)BitConverter.ToInt64(elf, checked((int)(sectionTable + (long)stringSection * sectionSize)) + 0x18));
                for (int n = 0; n < entries; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, verneed + 2);
                    int aux = verneed + (int)BitConverter.ToUInt32(elf, verneed + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        int name = strings + (int)BitConverter.ToUInt32(elf, aux + 8);
                        if (NameAt(elf, name) == version) return aux;
                        aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                    }
                    verneed += (int)BitConverter.ToUInt32(elf, verneed + 12);
                }
            }
            return -1;
        }

        static string NameAt(byte[] elf, int start)
        {
            int end = Array.IndexOf(elf, (byte)0, start);
            return Encoding.ASCII.GetString(elf, start, end - start);
        }

        // The task compiles against netstandard2.0, so no span search here.
        static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length;
                 i = Array.IndexOf(haystack, needle[0], i + 1))
            {
                int k = 1;
                while (k < needle.Length && haystack[i + k] == needle[k]) k++;
                if (k == needle.Length) return i;
            }
            return -1;
        }
    }
}
