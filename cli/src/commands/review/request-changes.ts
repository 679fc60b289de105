import { reviewCommand } from '../../cli/review-command.js';

export default reviewCommand('REQUEST_CHANGES', 'Request changes on a submission (say what, with -m).');
