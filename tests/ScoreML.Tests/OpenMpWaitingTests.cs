using ScoreML.Runtime;

namespace ScoreML.Tests;

[TestClass]
public sealed class OpenMpWaitingTests
{
    /// <summary>Two threads that spin while the machine is read are two other running tasks, whatever else runs.</summary>
    [TestMethod]
    public void RunningThreadsBesideTheReaderCountAsOtherTasks()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("/proc/loadavg is Linux's.");
        using var stop = new CancellationTokenSource();
        var started = new CountdownEvent(2);
        var spinners = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            started.Signal();
            while (!stop.IsCancellationRequested) Thread.SpinWait(1000);
        })).ToList();
        spinners.ForEach(t => t.Start());
        started.Wait();
        Thread.Sleep(20);
        int others = OpenMpWaiting.OtherRunningTasks();
        stop.Cancel();
        spinners.ForEach(t => t.Join());
        Assert.IsGreaterThanOrEqualTo(2, others, $"two spinning threads, {others} other running tasks counted");
    }

    /// <summary>A policy this process chose before the allocator restarted it is reported as ScoreML's choice, not the user's.</summary>
    [TestMethod]
    public void AWaitPolicyChosenBeforeARestartIsReportedAsOurs()
    {
        string? before = Environment.GetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable);
        string? marker = Environment.GetEnvironmentVariable(OpenMpWaiting.ChoiceMarker);
        string choiceBefore = OpenMpWaiting.Choice;
        try
        {
            Environment.SetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable, "PASSIVE");
            Environment.SetEnvironmentVariable(OpenMpWaiting.ChoiceMarker, "passive (busy machine)");
            OpenMpWaiting.ChooseBeforeLibTorchLoads();
            Assert.AreEqual("passive (busy machine)", OpenMpWaiting.Choice);
        }
        finally
        {
            Environment.SetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable, before);
            Environment.SetEnvironmentVariable(OpenMpWaiting.ChoiceMarker, marker);
            OpenMpWaiting.Choice = choiceBefore;
        }
    }

    /// <summary>OMP_WAIT_POLICY set by the user is left alone: the choice says so, and the variable keeps its value.</summary>
    [TestMethod]
    public void AWaitPolicyTheUserSetIsKept()
    {
        string? before = Environment.GetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable);
        string? marker = Environment.GetEnvironmentVariable(OpenMpWaiting.ChoiceMarker);   // set when this process chose PASSIVE
        string choiceBefore = OpenMpWaiting.Choice;
        try
        {
            Environment.SetEnvironmentVariable(OpenMpWaiting.ChoiceMarker, null);
            Environment.SetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable, "ACTIVE");
            OpenMpWaiting.ChooseBeforeLibTorchLoads();
            Assert.AreEqual("yours", OpenMpWaiting.Choice);
            Assert.AreEqual("ACTIVE", Environment.GetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(OpenMpWaiting.WaitPolicyVariable, before);
            Environment.SetEnvironmentVariable(OpenMpWaiting.ChoiceMarker, marker);
            OpenMpWaiting.Choice = choiceBefore;
        }
    }
}
