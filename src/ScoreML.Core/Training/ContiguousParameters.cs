using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// Moves a network's trainable parameters into one contiguous buffer and their gradients into another: each parameter
/// becomes a view of its slice, so the network computes exactly as before while Adam, the EMA and zeroing the gradients
/// each touch one tensor per step instead of one per parameter (about 8 native calls per parameter for Adam). The
/// arithmetic per element is unchanged, so training gives the same numbers bit for bit.
/// </summary>
/// <remarks>
/// Autograd adds into a gradient that already exists in place, so the gradient views keep receiving the backward
/// pass's results as long as nothing sets a parameter's gradient to null: zero them with <see cref="ZeroGradients"/>,
/// not with an optimizer's or module's zero_grad.
/// </remarks>
internal sealed class ContiguousParameters : IDisposable
{
    readonly Parameter[] parameters;

    /// <param name="network">Its parameters that require gradients are moved; frozen ones keep their own storage.</param>
    public ContiguousParameters(nn.Module network)
    {
        parameters = network.parameters().Where(p => p.requires_grad).ToArray();
        if (parameters.Length == 0) throw new ArgumentException("The network has no trainable parameters.", nameof(network));
        var first = parameters[0];
        if (parameters.Any(p => p.dtype != first.dtype || p.device_type != first.device_type || p.device_index != first.device_index))
            throw new ArgumentException("The network's trainable parameters differ in type or device; move the network to one device first.", nameof(network));
        long total = parameters.Sum(p => p.numel());
        // Detached from any dispose scope the caller has open: they live as long as the network trains.
        var values = empty(new[] { total }, first.dtype, first.device).DetachFromDisposeScope();
        Gradients = zeros(new[] { total }, first.dtype, first.device).DetachFromDisposeScope();
        using (no_grad())
        {
            long offset = 0;
            foreach (var parameter in parameters)
            {
                long count = parameter.numel();
                using var slice = values.narrow(0, offset, count).view(parameter.shape);
                slice.copy_(parameter);
                parameter.set_(slice);   // the parameter object stays the same (the network, EMA and saving hold it); its storage moves
                using var gradientSlice = Gradients.narrow(0, offset, count);
                using var gradient = gradientSlice.view(parameter.shape);
                parameter.grad = gradient;   // the parameter holds its own reference to the view
                offset += count;
            }
        }
        Values = new Parameter(values, requires_grad: true);   // takes over the handle of values
        Values.grad = Gradients;
    }

    /// <summary>All trainable parameters as one flat parameter whose gradient is <see cref="Gradients"/>; give this to the optimizer.</summary>
    public Parameter Values { get; }

    /// <summary>All gradients as one flat tensor, in the order of <see cref="Values"/>.</summary>
    public Tensor Gradients { get; }

    /// <summary>The network's trainable parameters, each a view of its slice of <see cref="Values"/>.</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>Sets every gradient to zero in one call, keeping the views in place.</summary>
    public void ZeroGradients() => Gradients.zero_();

    /// <summary>
    /// Detaches the gradient views (so a network used after training does not pin the gradient buffer); the parameters
    /// stay views of <see cref="Values"/>, which their storage keeps alive.
    /// </summary>
    public void Dispose()
    {
        // A run that stopped has disposed its network already.
        foreach (var parameter in parameters.Where(p => !p.IsInvalid)) parameter.grad = null;
        Values.grad = null;
        Values.Dispose();
        Gradients.Dispose();
    }
}
