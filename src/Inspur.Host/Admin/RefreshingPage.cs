using Microsoft.AspNetCore.Components;

namespace Inspur.Host.Admin;

/// <summary>
/// A page that reads its model once when rendered and then every <see cref="Interval"/> while its circuit is
/// interactive; the periodic loop ends when the page is disposed, and a failed read shows as <see cref="RefreshError"/>.
/// </summary>
public abstract class RefreshingPage<TModel> : ComponentBase, IDisposable where TModel : class
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _disposed = new();

    [Inject]
    private ILogger<RefreshingPage<TModel>> Log { get; set; } = null!;

    protected TModel? Model { get; private set; }

    /// <summary>Set when the last read threw; the page keeps showing the previous model under it.</summary>
    protected string? RefreshError { get; private set; }

    protected CancellationToken Disposed => _disposed.Token;

    protected abstract Task<TModel> ReadAsync(CancellationToken ct);

    /// <summary>Combines the model being shown with a freshly read one (e.g. keeps the last good rows when the read failed).</summary>
    protected virtual TModel Merge(TModel? shown, TModel read) => read;

    protected override async Task OnInitializedAsync() => await ReloadCoreAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive) _ = RefreshLoopAsync();
    }

    /// <summary>Reads now (after an operator's action) instead of waiting for the next tick.</summary>
    protected async Task ReloadAsync()
    {
        await ReloadCoreAsync();
        StateHasChanged();
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(Disposed))
            {
                await ReloadCoreAsync();
                if (!Disposed.IsCancellationRequested) await InvokeAsync(StateHasChanged);
            }
        }
        catch (Exception e) when (Disposed.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task ReloadCoreAsync()
    {
        try
        {
            var read = await ReadAsync(Disposed);
            await InvokeAsync(() =>
            {
                Model = Merge(Model, read);
                RefreshError = null;
            });
        }
        catch (OperationCanceledException) when (Disposed.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.LogWarning(e, "admin page {Page} could not refresh", GetType().Name);
            await InvokeAsync(() => RefreshError = $"Refresh failed at {DateTimeOffset.UtcNow:HH:mm:ss} UTC: {e.Message}");
        }
    }

    public void Dispose() => _disposed.Cancel();
}
