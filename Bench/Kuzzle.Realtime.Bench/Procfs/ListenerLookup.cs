using System.Globalization;

namespace Kuzzle.Realtime.Bench.Procfs;

/// <summary>Finds the process listening on a TCP port, so memory can be read for a server given only by URL.</summary>
public static class ListenerLookup
{
    private const string ListenState = "0A";

    public static int? PidListeningOn(int port)
    {
        var inodes = ListeningInodes(port, "/proc/net/tcp").Concat(ListeningInodes(port, "/proc/net/tcp6")).ToHashSet();
        if (inodes.Count == 0)
        {
            return null;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(dir, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                    {
                        return pid;
                    }
                }
            }
            catch (IOException)
            {
                // The process exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    private static IEnumerable<string> ListeningInodes(int port, string table)
    {
        if (!File.Exists(table))
        {
            yield break;
        }

        var portHex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 9 && f[3] == ListenState && f[1].EndsWith(portHex, StringComparison.Ordinal))
            {
                yield return f[9];
            }
        }
    }
}
