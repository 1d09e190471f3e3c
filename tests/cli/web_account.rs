//! My tokens and the HTML 404, as pages.
