namespace LossConformance.Report.Results;

/// <summary>
/// The results of one or more runs: every TRX file and records file found under the given folders,
/// merged (CI shards that each ran part of the suites). Skipped tests have no record; they come from TRX.
/// </summary>
public sealed class ResultSet
{
    public required IReadOnlyList<TrxFile> TrxFiles { get; init; }

    public required IReadOnlyList<TestRecord> Records { get; init; }

    /// <summary>Folders read, as given.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>What could not be read, or was read twice; shown in the report.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>True when some TRX file says its run did not complete (the test host crashed or was stopped).</summary>
    public bool Incomplete => TrxFiles.Any(t => t.RunOutcome is "Aborted" or "Error");

    public static ResultSet Load(IEnumerable<string> folders)
    {
        var trx = new List<TrxFile>();
        var records = new List<TestRecord>();
        var problems = new List<string>();
        var sources = new List<string>();
        foreach (string folder in folders)
        {
            sources.Add(folder);
            if (!Directory.Exists(folder)) { problems.Add($"{folder}: no such folder"); continue; }
            foreach (string path in Directory.EnumerateFiles(folder, "*.trx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                try { trx.Add(TrxReader.Read(path)); }
                catch (Exception e) when (e is System.Xml.XmlException or IOException) { problems.Add($"{path}: not a readable TRX file ({e.Message})"); }
            }
            foreach (string path in Directory.EnumerateFiles(folder, "records-*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                records.AddRange(RecordReader.Read(path, problems));
        }
        return new ResultSet { TrxFiles = trx, Records = records, Sources = sources, Problems = problems };
    }
}
