import { render } from 'preact';

/** The dashboard's page: placeholder until the pages land. */
render(<main><h1>Harbormaster</h1></main>, document.body);
