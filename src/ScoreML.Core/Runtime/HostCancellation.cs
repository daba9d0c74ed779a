using System.Reflection;
using Microsoft.ML.Runtime;

namespace ScoreML.Runtime;

/// <summary>
/// Whether ML.NET has asked an <see cref="IHost"/> to stop: <c>MLContext.CancelExecution()</c> marks the context and every
/// host registered on it as canceled, and ML.NET's own trainers stop at their next check. ML.NET 5 keeps both that method
/// and the flag's interface (<c>ICancelable</c>) internal — its AutoML calls them as a friend assembly — so the flag is read
/// here by reflection, once looked up. Should a later ML.NET rename the interface, <see cref="IsCanceled"/> returns false
/// and the trainers still honour their options' CancellationToken.
/// </summary>
internal static class HostCancellation
{
    static readonly PropertyInfo? CanceledFlag =
        typeof(IHostEnvironment).Assembly.GetType("Microsoft.ML.Runtime.ICancelable")?.GetProperty("IsCanceled", typeof(bool));

    public static bool IsCanceled(IHostEnvironment host) =>
        CanceledFlag is not null && CanceledFlag.DeclaringType!.IsInstanceOfType(host) && (bool)CanceledFlag.GetValue(host)!;
}
