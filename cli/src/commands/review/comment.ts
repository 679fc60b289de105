import { reviewCommand } from '../../cli/review-command.js';

export default reviewCommand('COMMENT', 'Comment on a submission without approving it.');
