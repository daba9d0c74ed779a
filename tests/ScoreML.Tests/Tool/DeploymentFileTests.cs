using System.Diagnostics;
using System.Text.RegularExpressions;
using ScoreML.Tests.Documentation;
using YamlDotNet.RepresentationModel;

namespace ScoreML.Tests.Tool;

/// <summary>
/// The sharded job of docs/tool.md as a Kubernetes Indexed Job and a Slurm job array (deploy/): the manifests parse as YAML
/// and describe the job the docs say, the Slurm scripts pass bash's syntax check, and both split the work into as many
/// shards as they run. None of it runs against a cluster.
/// </summary>
[TestClass]
public sealed class DeploymentFileTests
{
    static string Deploy(string path) => Path.Combine(MarkdownDocuments.Root, "deploy", path);

    static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Deploy(path))) yaml.Load(reader);
        Assert.HasCount(1, yaml.Documents, $"{path}: one document");
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        return node;
    }

    static string Scalar(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [TestMethod]
    public void TheKubernetesIndexedJobRunsAsManyShardsAsItHasCompletions()
    {
        var job = Load("kubernetes/scoreml-shards.yaml");
        Assert.AreEqual("batch/v1", Scalar(job, "apiVersion"));
        Assert.AreEqual("Job", Scalar(job, "kind"));
        Assert.AreEqual("Indexed", Scalar(job, "spec", "completionMode"));
        string completions = Scalar(job, "spec", "completions");
        string script = Scalar(job, "spec", "template", "spec", "containers", 0, "args", 0);
        StringAssert.Contains(script, "--shard \"${JOB_COMPLETION_INDEX}/" + completions + "\"");
        StringAssert.Contains(script, "--save-stats");
        var claim = Scalar(job, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName");

        var merge = Load("kubernetes/scoreml-merge.yaml");
        Assert.AreEqual("Job", Scalar(merge, "kind"));
        Assert.AreEqual(claim, Scalar(merge, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName"), "the merge reads the shards' volume");
        string mergeScript = Scalar(merge, "spec", "template", "spec", "containers", 0, "args", 0);
        StringAssert.Contains(mergeScript, "scoreml merge out/generated-*.stats");
        StringAssert.Contains(mergeScript, "scoreml fid real.stats out/generated.stats");
    }

    [TestMethod]
    public void TheSlurmScriptsPassBashsSyntaxCheckAndTheArrayMatchesTheShards()
    {
        foreach (var script in new[] { "slurm/scoreml-shards.sbatch", "slurm/scoreml-merge.sbatch", "slurm/submit.sh" })
        {
            var check = Process.Start(new ProcessStartInfo("bash", new[] { "-n", Deploy(script) }) { RedirectStandardError = true })!;
            string errors = check.StandardError.ReadToEnd();
            check.WaitForExit();
            Assert.AreEqual(0, check.ExitCode, $"bash -n {script}: {errors}");
        }
        string shards = File.ReadAllText(Deploy("slurm/scoreml-shards.sbatch"));
        var array = Regex.Match(shards, @"#SBATCH --array=0-(\d+)");
        Assert.IsTrue(array.Success, "a job array");
        int tasks = int.Parse(array.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1;
        StringAssert.Contains(shards, $"shards=${{SLURM_ARRAY_TASK_COUNT:-{tasks}}}");
        StringAssert.Contains(shards, "--shard \"${SLURM_ARRAY_TASK_ID}/${shards}\"");
        StringAssert.Contains(File.ReadAllText(Deploy("slurm/submit.sh")), "--dependency=afterok:");
    }
}
