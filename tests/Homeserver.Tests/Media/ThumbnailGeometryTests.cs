using Messenger.Homeserver.Media;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>Thumbnail sizes ("Thumbnails"): never smaller than asked unless the image is, never upscaled.</summary>
public sealed class ThumbnailGeometryTests
{
    [Theory]
    [InlineData(10, 10, ThumbnailMethod.Crop, 32, 32)]
    [InlineData(33, 20, ThumbnailMethod.Crop, 96, 96)]
    [InlineData(97, 20, ThumbnailMethod.Crop, 97, 20)]
    [InlineData(100, 100, ThumbnailMethod.Scale, 320, 240)]
    [InlineData(321, 100, ThumbnailMethod.Scale, 640, 480)]
    [InlineData(1000, 1000, ThumbnailMethod.Scale, 1000, 1000)]
    public void Requests_round_up_to_the_spec_sizes_of_their_method(int width, int height, ThumbnailMethod method, int snappedWidth, int snappedHeight) =>
        Assert.Equal((snappedWidth, snappedHeight), ThumbnailGeometry.Snap(width, height, method));

    [Fact]
    public void Crop_is_exactly_the_requested_size_from_the_centre()
    {
        var plan = ThumbnailGeometry.Plan(400, 300, 96, 96, ThumbnailMethod.Crop);
        Assert.Equal(new ThumbnailPlan(50, 0, 300, 300, 96, 96), plan);
    }

    [Fact]
    public void Scale_keeps_the_aspect_and_covers_the_box()
    {
        Assert.Equal(new ThumbnailPlan(0, 0, 1000, 500, 480, 240), ThumbnailGeometry.Plan(1000, 500, 320, 240, ThumbnailMethod.Scale));
        Assert.Equal(new ThumbnailPlan(0, 0, 500, 1000, 320, 640), ThumbnailGeometry.Plan(500, 1000, 320, 240, ThumbnailMethod.Scale));
    }

    [Theory]
    [InlineData(20, 10, ThumbnailMethod.Crop)]
    [InlineData(96, 96, ThumbnailMethod.Crop)]
    [InlineData(20, 10, ThumbnailMethod.Scale)]
    // Wider than the box but shorter: scaling down would make it shorter still.
    [InlineData(1000, 90, ThumbnailMethod.Scale)]
    public void Image_that_cannot_shrink_without_going_under_the_request_is_the_original(int width, int height, ThumbnailMethod method) =>
        Assert.True(ThumbnailGeometry.Plan(width, height, 96, 96, method).IsOriginal);

    [Fact]
    public void Crop_of_an_image_short_on_one_side_cuts_only_the_other_and_never_upscales()
    {
        var plan = ThumbnailGeometry.Plan(1000, 50, 96, 96, ThumbnailMethod.Crop);
        Assert.Equal(new ThumbnailPlan(452, 0, 96, 50, 96, 50), plan);
    }
}
