namespace ScoreML.Networks;

/// <summary>
/// One holder's reference to a network that several holders may share: the reference behind a <see cref="ScoreModel"/> or
/// <see cref="NoiseConditionalClassifier"/>, whose <c>Share()</c> adds another. The network is freed when the last
/// reference is released, whichever holder that is, so a copy that shares a network never frees it under the others.
/// Releasing is idempotent; after it, <see cref="Network"/> throws an ObjectDisposedException naming the holder's type
/// instead of handing out a freed network that libtorch would refuse with "Tensor invalid -- empty handle".
/// </summary>
internal sealed class NetworkLease : IDisposable
{
    readonly SharedNetwork shared;
    readonly Type holder;
    int released;

    /// <summary>The first reference to <paramref name="network"/>, which the lease takes over.</summary>
    /// <param name="network">The network; not null.</param>
    /// <param name="holder">The type that holds the lease, named by ObjectDisposedException after release.</param>
    public NetworkLease(NoiseConditionalNetwork network, Type holder)
        : this(new SharedNetwork(network ?? throw new ArgumentNullException(nameof(network))), holder)
    {
    }

    NetworkLease(SharedNetwork shared, Type holder)
    {
        this.shared = shared;
        this.holder = holder;
    }

    public bool IsReleased => Volatile.Read(ref released) != 0;

    /// <summary>The network; throws ObjectDisposedException once this reference was released.</summary>
    public NoiseConditionalNetwork Network
    {
        get
        {
            ThrowIfReleased();
            return shared.Network;
        }
    }

    public void ThrowIfReleased() => ObjectDisposedException.ThrowIf(IsReleased, holder);

    /// <summary>Another reference to the same network, released on its own.</summary>
    public NetworkLease Share()
    {
        ThrowIfReleased();
        // This reference still counts, so the network cannot be freed between the check and the increment.
        shared.AddReference();
        return new NetworkLease(shared, holder);
    }

    /// <summary>Releases this reference (once, however often it is called); the last one frees the network.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) shared.Release();
    }

    // The network and the number of unreleased leases on it.
    sealed class SharedNetwork
    {
        int references = 1;

        public SharedNetwork(NoiseConditionalNetwork network) => Network = network;

        public NoiseConditionalNetwork Network { get; }

        public void AddReference() => Interlocked.Increment(ref references);

        public void Release()
        {
            if (Interlocked.Decrement(ref references) == 0) Network.Dispose();
        }
    }
}
