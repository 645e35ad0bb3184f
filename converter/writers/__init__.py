"""Writers: ``converter.model.Node`` -> text in some format. Registered in ``converter.WRITERS``."""
