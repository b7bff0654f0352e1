"""Runs lessons with torch. Import submodules directly: this package stays light so that
`tutor.engine.views` can be read by the renderers without loading torch."""
