namespace TwoMoons;

/// <summary>Table 1 of Chao et al. (ICLR 2022), class 0 | class 1; null where the paper gives no value.</summary>
internal static class PaperTable1
{
    public static readonly Dictionary<string, (double[]? DP, double[]? DL, double[]? Precision, double[]? Recall)> Values = new()
    {
        ["base"] = (new[] { 0.198, 0.197 }, new[] { 0.190, 0.181 }, new[] { 0.94, 0.93 }, new[] { 1.00, 1.00 }),
        ["scaling"] = (new[] { 2.734, 2.627 }, new[] { 2.730, 2.618 }, new[] { 0.95, 0.94 }, new[] { 0.97, 0.97 }),
        ["posterior_sm"] = (new[] { 0.063, 0.060 }, null, new[] { 0.97, 0.97 }, new[] { 1.00, 1.00 }),
        ["dlsm"] = (new[] { 0.066, 0.064 }, new[] { 0.052, 0.052 }, new[] { 0.96, 0.95 }, new[] { 1.00, 1.00 }),
        ["oracle"] = (new[] { 0.0, 0.0 }, new[] { 0.0, 0.0 }, null, null),
    };

    /// <summary>The paper's values of a method; all null for a method it did not run (classifier-free guidance).</summary>
    public static (double[]? DP, double[]? DL, double[]? Precision, double[]? Recall) Of(string method) =>
        Values.TryGetValue(method, out var values) ? values : (null, null, null, null);
}
