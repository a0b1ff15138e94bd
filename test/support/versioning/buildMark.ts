/** What build B's investigation appends to its result's text, so a test can tell which build's code ran it. */
export const BUILD_B_MARK = ' [build B]';
