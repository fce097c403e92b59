/// The HTTP service: configuration, routes, auth, codecs.
